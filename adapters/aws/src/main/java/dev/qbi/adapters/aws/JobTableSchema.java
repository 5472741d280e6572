package dev.qbi.adapters.aws;

import static dev.qbi.adapters.aws.DynamoDbJobTable.EXPIRES_AT;
import static dev.qbi.adapters.aws.DynamoDbJobTable.JOB_ID;
import static dev.qbi.adapters.aws.DynamoDbJobTable.OWNER;
import static dev.qbi.adapters.aws.DynamoDbJobTable.OWNER_INDEX;
import static dev.qbi.adapters.aws.DynamoDbJobTable.SUBMITTED_AT;

import dev.qbi.core.error.StorageException;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/** Creates the job table, for tests and local stacks (the SAM template creates it on AWS). */
final class JobTableSchema {

  private static final Logger LOG = LoggerFactory.getLogger(JobTableSchema.class);

  private JobTableSchema() {}

  /**
   * Creates the job table as the SAM template does (on-demand, key {@value
   * DynamoDbJobTable#JOB_ID}, index {@value #OWNER_INDEX}, TTL on {@value
   * DynamoDbJobTable#EXPIRES_AT}) and waits until it is active. For tests and local use. An
   * endpoint without the TTL API (some emulators) gets the table without TTL, and a warning.
   */
  static void create(DynamoDbClient dynamo, String name) {
    Objects.requireNonNull(dynamo, "dynamo");
    try {
      dynamo.createTable(
          b ->
              b.tableName(name)
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .attributeDefinitions(
                      attribute(JOB_ID), attribute(OWNER), attribute(SUBMITTED_AT))
                  .keySchema(key(JOB_ID, KeyType.HASH))
                  .globalSecondaryIndexes(
                      GlobalSecondaryIndex.builder()
                          .indexName(OWNER_INDEX)
                          .keySchema(key(OWNER, KeyType.HASH), key(SUBMITTED_AT, KeyType.RANGE))
                          .projection(p -> p.projectionType(ProjectionType.ALL))
                          .build()));
      awaitActive(dynamo, name, Duration.ofMinutes(5));
    } catch (SdkException e) {
      throw new StorageException("DynamoDB CreateTable failed for " + name, e);
    }
    try {
      dynamo.updateTimeToLive(
          b ->
              b.tableName(name)
                  .timeToLiveSpecification(t -> t.attributeName(EXPIRES_AT).enabled(true)));
    } catch (DynamoDbException e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      if (code == null || !code.contains("UnknownOperation")) {
        throw new StorageException("DynamoDB UpdateTimeToLive failed for " + name, e);
      }
      LOG.warn("this DynamoDB endpoint has no TTL API; table {} created without TTL", name);
    } catch (SdkException e) {
      throw new StorageException("DynamoDB UpdateTimeToLive failed for " + name, e);
    }
  }

  private static AttributeDefinition attribute(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private static void awaitActive(DynamoDbClient dynamo, String name, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      TableDescription t = dynamo.describeTable(b -> b.tableName(name)).table();
      boolean indexesActive =
          t.globalSecondaryIndexes().stream()
              .allMatch(i -> i.indexStatus() == null || i.indexStatus() == IndexStatus.ACTIVE);
      if (t.tableStatus() == TableStatus.ACTIVE && indexesActive) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new StorageException("DynamoDB table " + name + " not active after " + timeout);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageException("interrupted while waiting for table " + name, e);
      }
    }
  }
}
