package dev.qbi.e2e;

/**
 * The suite against {@code ingest serve --backend aws} on the emulators (SQS: ElasticMQ, DynamoDB:
 * dynalite, S3: S3Mock), started in-process: the same scenarios, the same answers as the local
 * backend.
 */
class LocalAwsBackendE2eTest extends JobApiScenarios {

  @Override
  E2eTarget openTarget() {
    return E2eTarget.localAws();
  }
}
