/** AWS adapters of the core ports. */
package dev.qbi.aws;
