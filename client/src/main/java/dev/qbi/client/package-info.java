/**
 * The typed client of the job API ({@link dev.qbi.client.JobApiClient}) and of the Cognito
 * user-pool protocol ({@link dev.qbi.client.CognitoClient}), as a user of the API would embed it:
 * it depends on jackson-databind and the JDK's {@code java.net.http} only. Non-2xx answers are
 * {@link dev.qbi.client.ApiException}s carrying the status code and body.
 */
package dev.qbi.client;
