/**
 * AWS adapters of the core's ports: {@link dev.qbi.aws.SqsJobQueue} and {@link
 * dev.qbi.aws.SqsJobIntake} (Amazon SQS), {@link dev.qbi.aws.DynamoDbJobTable} (DynamoDB), {@link
 * dev.qbi.aws.S3PayloadStore} (S3 and pre-signed URLs), {@link dev.qbi.aws.LambdaJobExecutor} (the
 * synchronous invoke of the batch-simulator function) and {@link dev.qbi.aws.AwsClients}, which
 * builds each SDK client once.
 */
package dev.qbi.aws;
