/** AWS Lambda handlers. */
package dev.qbi.runtime.lambda;
