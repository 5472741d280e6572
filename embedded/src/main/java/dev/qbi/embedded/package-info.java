/** Embedded adapters: SQLite queue and job table, file payload store, local identity provider. */
package dev.qbi.embedded;
