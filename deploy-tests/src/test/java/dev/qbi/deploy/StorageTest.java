package dev.qbi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The output bucket and the job table. */
class StorageTest {

  private final SamTemplate template = Repo.template();

  @Test
  void payload_bucket_encrypts_objects_at_rest() {
    Object rules =
        Cfn.at(
            template.properties("PayloadBucket"),
            "BucketEncryption",
            "ServerSideEncryptionConfiguration");
    Object algorithm =
        Cfn.at(Cfn.list(rules).get(0), "ServerSideEncryptionByDefault", "SSEAlgorithm");
    assertThat(algorithm).isIn("AES256", "aws:kms", "aws:kms:dsse");
  }

  @Test
  void payload_bucket_blocks_every_kind_of_public_access() {
    assertThat(template.properties("PayloadBucket").get("PublicAccessBlockConfiguration"))
        .isEqualTo(
            Map.of(
                "BlockPublicAcls", true,
                "BlockPublicPolicy", true,
                "IgnorePublicAcls", true,
                "RestrictPublicBuckets", true));
  }

  @Test
  void payload_bucket_policy_denies_every_request_without_tls() {
    List<String> policies = template.idsOfType("AWS::S3::BucketPolicy");
    assertThat(policies).hasSize(1);
    Map<String, Object> properties = template.properties(policies.get(0));
    assertThat(properties.get("Bucket")).isEqualTo(Map.of("Ref", "PayloadBucket"));

    List<Map<String, Object>> denials =
        Cfn.list(Cfn.at(properties, "PolicyDocument", "Statement")).stream()
            .map(Cfn::map)
            .filter(s -> "Deny".equals(s.get("Effect")))
            .filter(s -> "false".equals(Cfn.at(s, "Condition", "Bool", "aws:SecureTransport")))
            .toList();
    assertThat(denials).as("a Deny statement on aws:SecureTransport = false").hasSize(1);
    Map<String, Object> deny = denials.get(0);
    assertThat(deny.get("Principal")).isEqualTo("*");
    assertThat(deny.get("Action")).isEqualTo("s3:*");
    assertThat(Cfn.listOrSingle(deny.get("Resource")).stream().map(Cfn::describe))
        .containsExactlyInAnyOrder("PayloadBucket.Arn", "${PayloadBucket.Arn}/*");
  }

  @Test
  void payload_bucket_expires_job_output_after_the_job_retention() {
    List<Object> rules =
        Cfn.list(Cfn.at(template.properties("PayloadBucket"), "LifecycleConfiguration", "Rules"));
    List<Map<String, Object>> expiring =
        rules.stream()
            .map(Cfn::map)
            .filter(r -> "Enabled".equals(r.get("Status")))
            .filter(r -> r.get("ExpirationInDays") != null)
            .toList();
    assertThat(expiring).hasSize(1);
    assertThat(expiring.get(0).get("ExpirationInDays"))
        .as("objects live as long as the job rows (DynamoDB TTL)")
        .isEqualTo(Map.of("Ref", "JobRetentionDays"));
    assertThat(template.functionVariables("JobProcessorFunction").get("JOB_RETENTION_DAYS"))
        .isEqualTo(Map.of("Ref", "JobRetentionDays"));
  }

  @Test
  void job_table_is_keyed_by_job_id_and_billed_per_request() {
    Map<String, Object> table = template.properties("JobTable");
    assertThat(table.get("BillingMode")).isEqualTo("PAY_PER_REQUEST");
    assertThat(table.get("KeySchema"))
        .isEqualTo(List.of(Map.of("AttributeName", "jobId", "KeyType", "HASH")));
    assertThat(table.get("AttributeDefinitions"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .contains(Map.of("AttributeName", "jobId", "AttributeType", "S"));
  }

  @Test
  void job_table_rows_expire_through_ttl_on_expires_at() {
    assertThat(template.properties("JobTable").get("TimeToLiveSpecification"))
        .isEqualTo(Map.of("AttributeName", "expiresAt", "Enabled", true));
  }

  @Test
  void job_table_has_the_owner_index_sorted_by_submission_time() {
    Map<String, Object> table = template.properties("JobTable");
    List<Map<String, Object>> indexes =
        Cfn.list(table.get("GlobalSecondaryIndexes")).stream()
            .map(Cfn::map)
            .filter(i -> "owner-submittedAt-index".equals(i.get("IndexName")))
            .toList();
    assertThat(indexes).hasSize(1);
    Map<String, Object> index = indexes.get(0);
    assertThat(index.get("KeySchema"))
        .isEqualTo(
            List.of(
                Map.of("AttributeName", "owner", "KeyType", "HASH"),
                Map.of("AttributeName", "submittedAt", "KeyType", "RANGE")));
    assertThat(Cfn.at(index, "Projection", "ProjectionType")).isEqualTo("ALL");
    assertThat(table.get("AttributeDefinitions"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .contains(
            Map.of("AttributeName", "owner", "AttributeType", "S"),
            Map.of("AttributeName", "submittedAt", "AttributeType", "S"));
  }
}
