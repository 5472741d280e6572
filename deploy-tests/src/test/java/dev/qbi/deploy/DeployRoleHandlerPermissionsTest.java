package dev.qbi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * pipeline.yaml's {@code DeployRole} grants what CloudFormation's resource handlers call for every
 * resource type {@code template.yaml} (after the SAM transform) and {@code cognito.yaml} declare.
 * The actions are those of each type's resource schema ({@code handlers}: create, read, update,
 * delete) that apply to the properties these templates set; actions of features the templates do
 * not use (customer managed keys on the table or the functions, VPCs, code signing, imports,
 * Kinesis, analytics roles, custom domains) are left out. docs/pipeline.md says where they come
 * from.
 */
class DeployRoleHandlerPermissionsTest {

  /** The resource types SAM generates for its own types. */
  private static final Map<String, List<String>> SAM_EXPANSION =
      Map.of(
          "AWS::Serverless::Function",
          List.of(
              "AWS::Lambda::Function",
              "AWS::Lambda::Version",
              "AWS::Lambda::Alias",
              "AWS::Lambda::EventSourceMapping"),
          "AWS::Serverless::HttpApi",
          List.of("AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Stage"));

  private static final Map<String, Set<String>> HANDLER_ACTIONS =
      Map.ofEntries(
          Map.entry(
              "AWS::Cognito::UserPool",
              Set.of(
                  "cognito-idp:CreateUserPool",
                  "cognito-idp:DescribeUserPool",
                  "cognito-idp:UpdateUserPool",
                  "cognito-idp:DeleteUserPool",
                  "cognito-idp:AddCustomAttributes",
                  "cognito-idp:SetUserPoolMfaConfig",
                  "cognito-idp:GetUserPoolMfaConfig",
                  "cognito-idp:TagResource",
                  "cognito-idp:UntagResource",
                  "cognito-idp:ListTagsForResource")),
          Map.entry(
              "AWS::Cognito::UserPoolClient",
              Set.of(
                  "cognito-idp:CreateUserPoolClient",
                  "cognito-idp:DescribeUserPoolClient",
                  "cognito-idp:UpdateUserPoolClient",
                  "cognito-idp:DeleteUserPoolClient")),
          Map.entry(
              "AWS::Cognito::UserPoolDomain",
              Set.of(
                  "cognito-idp:CreateUserPoolDomain",
                  "cognito-idp:DescribeUserPoolDomain",
                  "cognito-idp:UpdateUserPoolDomain",
                  "cognito-idp:DeleteUserPoolDomain")),
          Map.entry(
              "AWS::Cognito::UserPoolGroup",
              Set.of(
                  "cognito-idp:CreateGroup",
                  "cognito-idp:GetGroup",
                  "cognito-idp:UpdateGroup",
                  "cognito-idp:DeleteGroup")),
          Map.entry(
              "AWS::DynamoDB::Table",
              Set.of(
                  "dynamodb:CreateTable",
                  "dynamodb:DescribeTable",
                  "dynamodb:UpdateTable",
                  "dynamodb:DeleteTable",
                  "dynamodb:DescribeTimeToLive",
                  "dynamodb:UpdateTimeToLive",
                  "dynamodb:DescribeContinuousBackups",
                  "dynamodb:UpdateContinuousBackups",
                  "dynamodb:DescribeContributorInsights",
                  "dynamodb:UpdateContributorInsights",
                  "dynamodb:DescribeKinesisStreamingDestination",
                  "dynamodb:GetResourcePolicy",
                  "dynamodb:ListTagsOfResource",
                  "dynamodb:TagResource",
                  "dynamodb:UntagResource")),
          Map.entry(
              "AWS::Lambda::Function",
              Set.of(
                  "lambda:CreateFunction",
                  "lambda:GetFunction",
                  "lambda:UpdateFunctionCode",
                  "lambda:UpdateFunctionConfiguration",
                  "lambda:DeleteFunction",
                  "lambda:PutFunctionConcurrency",
                  "lambda:DeleteFunctionConcurrency",
                  "lambda:GetFunctionCodeSigningConfig",
                  "lambda:GetRuntimeManagementConfig",
                  "lambda:PutRuntimeManagementConfig",
                  "lambda:GetFunctionRecursionConfig",
                  "lambda:PutFunctionRecursionConfig",
                  "lambda:TagResource",
                  "lambda:UntagResource",
                  "lambda:ListTags",
                  "iam:PassRole",
                  "s3:GetObject",
                  "s3:GetObjectVersion")),
          Map.entry(
              "AWS::Lambda::Version",
              Set.of(
                  "lambda:PublishVersion",
                  "lambda:GetFunctionConfiguration",
                  "lambda:ListVersionsByFunction",
                  "lambda:GetProvisionedConcurrencyConfig",
                  "lambda:DeleteFunction")),
          Map.entry(
              "AWS::Lambda::Alias",
              Set.of(
                  "lambda:CreateAlias",
                  "lambda:GetAlias",
                  "lambda:UpdateAlias",
                  "lambda:DeleteAlias",
                  "lambda:GetProvisionedConcurrencyConfig")),
          Map.entry(
              "AWS::Lambda::EventSourceMapping",
              Set.of(
                  "lambda:CreateEventSourceMapping",
                  "lambda:GetEventSourceMapping",
                  "lambda:UpdateEventSourceMapping",
                  "lambda:DeleteEventSourceMapping",
                  "lambda:ListTags",
                  "lambda:TagResource",
                  "lambda:UntagResource")),
          Map.entry(
              "AWS::IAM::Role",
              Set.of(
                  "iam:CreateRole",
                  "iam:GetRole",
                  "iam:UpdateRole",
                  "iam:DeleteRole",
                  "iam:UpdateAssumeRolePolicy",
                  "iam:PutRolePolicy",
                  "iam:GetRolePolicy",
                  "iam:DeleteRolePolicy",
                  "iam:ListRolePolicies",
                  "iam:ListAttachedRolePolicies",
                  "iam:TagRole",
                  "iam:UntagRole")),
          Map.entry(
              "AWS::SQS::Queue",
              Set.of(
                  "sqs:CreateQueue",
                  "sqs:GetQueueUrl",
                  "sqs:GetQueueAttributes",
                  "sqs:SetQueueAttributes",
                  "sqs:DeleteQueue",
                  "sqs:ListQueueTags",
                  "sqs:TagQueue",
                  "sqs:UntagQueue")),
          Map.entry(
              "AWS::S3::Bucket",
              Set.of(
                  "s3:CreateBucket",
                  "s3:DeleteBucket",
                  "s3:PutEncryptionConfiguration",
                  "s3:GetEncryptionConfiguration",
                  "s3:PutBucketPublicAccessBlock",
                  "s3:GetBucketPublicAccessBlock",
                  "s3:PutBucketOwnershipControls",
                  "s3:GetBucketOwnershipControls",
                  "s3:PutLifecycleConfiguration",
                  "s3:GetLifecycleConfiguration",
                  "s3:PutBucketTagging",
                  "s3:GetBucketTagging",
                  "s3:GetBucketVersioning",
                  "s3:GetAccelerateConfiguration",
                  "s3:GetAnalyticsConfiguration",
                  "s3:GetBucketCORS",
                  "s3:GetInventoryConfiguration",
                  "s3:GetBucketLogging",
                  "s3:GetMetricsConfiguration",
                  "s3:GetBucketNotification",
                  "s3:GetReplicationConfiguration",
                  "s3:GetBucketWebsite",
                  "s3:GetBucketObjectLockConfiguration",
                  "s3:GetIntelligentTieringConfiguration",
                  "s3:ListTagsForResource",
                  "s3:ListBucket")),
          Map.entry(
              "AWS::S3::BucketPolicy",
              Set.of("s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy")),
          Map.entry(
              "AWS::ApiGatewayV2::Api",
              Set.of(
                  "apigateway:GET",
                  "apigateway:POST",
                  "apigateway:PUT",
                  "apigateway:PATCH",
                  "apigateway:DELETE")),
          Map.entry(
              "AWS::ApiGatewayV2::Stage",
              Set.of(
                  "apigateway:GET",
                  "apigateway:POST",
                  "apigateway:PATCH",
                  "apigateway:DELETE",
                  "logs:CreateLogDelivery",
                  "logs:GetLogDelivery",
                  "logs:UpdateLogDelivery",
                  "logs:DeleteLogDelivery",
                  "logs:ListLogDeliveries",
                  "logs:PutResourcePolicy",
                  "logs:DescribeResourcePolicies",
                  "logs:DescribeLogGroups")),
          Map.entry(
              "AWS::Logs::LogGroup",
              Set.of(
                  "logs:CreateLogGroup",
                  "logs:DeleteLogGroup",
                  "logs:DescribeLogGroups",
                  "logs:PutRetentionPolicy",
                  "logs:DeleteRetentionPolicy",
                  "logs:ListTagsForResource",
                  "logs:TagResource",
                  "logs:UntagResource",
                  "logs:GetDataProtectionPolicy")),
          Map.entry(
              "AWS::KMS::Key",
              Set.of(
                  "kms:CreateKey",
                  "kms:DescribeKey",
                  "kms:GetKeyPolicy",
                  "kms:PutKeyPolicy",
                  "kms:EnableKeyRotation",
                  "kms:GetKeyRotationStatus",
                  "kms:UpdateKeyDescription",
                  "kms:ListResourceTags",
                  "kms:TagResource",
                  "kms:UntagResource",
                  "kms:ScheduleKeyDeletion")),
          Map.entry(
              "AWS::KMS::Alias", Set.of("kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias")),
          Map.entry(
              "AWS::SNS::Topic",
              Set.of(
                  "sns:CreateTopic",
                  "sns:GetTopicAttributes",
                  "sns:SetTopicAttributes",
                  "sns:DeleteTopic",
                  "sns:ListSubscriptionsByTopic",
                  "sns:GetDataProtectionPolicy",
                  "sns:ListTagsForResource",
                  "sns:TagResource",
                  "sns:UntagResource")),
          Map.entry("AWS::SNS::TopicPolicy", Set.of("sns:SetTopicAttributes")),
          Map.entry(
              "AWS::SNS::Subscription",
              Set.of(
                  "sns:Subscribe",
                  "sns:Unsubscribe",
                  "sns:GetSubscriptionAttributes",
                  "sns:SetSubscriptionAttributes")),
          Map.entry(
              "AWS::CloudWatch::Alarm",
              Set.of(
                  "cloudwatch:PutMetricAlarm",
                  "cloudwatch:DescribeAlarms",
                  "cloudwatch:DeleteAlarms",
                  "cloudwatch:ListTagsForResource",
                  "cloudwatch:TagResource",
                  "cloudwatch:UntagResource")),
          Map.entry(
              "AWS::CloudWatch::Dashboard",
              Set.of(
                  "cloudwatch:PutDashboard",
                  "cloudwatch:GetDashboard",
                  "cloudwatch:DeleteDashboards")));

  private final Map<String, Object> pipeline = CfnYaml.loadMap(Repo.file("pipeline.yaml"));

  /** Every resource type the pipeline deploys, SAM's own types replaced by what they generate. */
  private Set<String> deployedTypes() {
    Set<String> types = new TreeSet<>();
    List<Map<String, Object>> resources = new ArrayList<>();
    Repo.template().resources().values().forEach(r -> resources.add(Cfn.map(r)));
    Cfn.mapAt(Repo.cognito(), "Resources").values().forEach(r -> resources.add(Cfn.map(r)));
    for (Map<String, Object> resource : resources) {
      String type = (String) resource.get("Type");
      types.addAll(SAM_EXPANSION.getOrDefault(type, List.of(type)));
    }
    return types;
  }

  /** Every action the deploy role allows, on whatever resource. */
  private Set<String> deployRoleActions() {
    Set<String> actions = new TreeSet<>();
    for (Object policy :
        Cfn.list(Cfn.at(pipeline, "Resources", "DeployRole", "Properties", "Policies"))) {
      for (Object statement : Cfn.list(Cfn.at(policy, "PolicyDocument", "Statement"))) {
        assertThat(Cfn.map(statement).get("Effect")).isEqualTo("Allow");
        Cfn.listOrSingle(Cfn.map(statement).get("Action")).forEach(a -> actions.add((String) a));
      }
    }
    return actions;
  }

  @Test
  void every_deployed_resource_type_has_its_handler_actions_listed_here() {
    assertThat(HANDLER_ACTIONS.keySet()).containsAll(deployedTypes());
  }

  @Test
  void the_deploy_role_grants_the_handler_actions_of_every_deployed_resource_type() {
    Set<String> granted = deployRoleActions();
    for (String type : deployedTypes()) {
      assertThat(granted).as(type).containsAll(HANDLER_ACTIONS.get(type));
    }
  }

  @Test
  void the_cognito_pool_and_the_table_handlers_read_what_the_review_found_missing() {
    assertThat(deployRoleActions())
        .contains(
            "cognito-idp:SetUserPoolMfaConfig",
            "cognito-idp:GetUserPoolMfaConfig",
            "dynamodb:GetResourcePolicy");
  }
}
