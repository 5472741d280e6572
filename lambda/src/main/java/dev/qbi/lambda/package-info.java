/** AWS Lambda handlers. */
package dev.qbi.lambda;
