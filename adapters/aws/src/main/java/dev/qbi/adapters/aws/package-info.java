/**
 * AWS adapters of the core's ports: {@link dev.qbi.adapters.aws.SqsJobQueue} and {@link
 * dev.qbi.adapters.aws.SqsJobIntake} (Amazon SQS), {@link dev.qbi.adapters.aws.DynamoDbJobTable}
 * (DynamoDB), {@link dev.qbi.adapters.aws.S3PayloadStore} (S3 and pre-signed URLs), {@link
 * dev.qbi.adapters.aws.LambdaInvokeJobExecutor} (the synchronous invoke of the batch-simulator
 * function) and {@link dev.qbi.adapters.aws.AwsClients}, which builds each SDK client once.
 */
package dev.qbi.adapters.aws;
