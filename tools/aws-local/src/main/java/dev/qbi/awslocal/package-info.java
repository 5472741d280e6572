/**
 * {@code ./ingest aws-local}: the SQS, DynamoDB and S3 emulators and the local user pool on
 * 127.0.0.1, with the queue, dead-letter queue, job table and bucket that {@code ./ingest serve
 * --backend aws} needs ({@link dev.qbi.awslocal.AwsLocal}, {@link dev.qbi.awslocal.AwsLocalMain}).
 * A tool in its own jar: no runtime depends on it.
 */
package dev.qbi.awslocal;
