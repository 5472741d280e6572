/** Local adapters of core's ports: SQLite queue and job table, file payload store. */
package dev.qbi.adapters.local;
