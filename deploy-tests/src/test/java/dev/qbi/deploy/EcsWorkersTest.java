package dev.qbi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * ecs-workers.yaml, the container worker fleet: Fargate task definition and service on the SAM
 * stack's queue, dead-letter queue, table and bucket (imported exports), autoscaling wired to the
 * queue's metrics, least-privilege roles, a log group with retention, no public IP unless asked.
 *
 * <p>Imported values are compared in the form {@code import:<Output>} ({@code Fn::ImportValue:
 * ${SamStackName}-<Output>}); a Sub over imports has them substituted.
 */
class EcsWorkersTest {

  private static final String TEMPLATE = "ecs-workers.yaml";

  private final Map<String, Object> root = CfnYaml.loadMap(Repo.file(TEMPLATE));
  private final SamTemplate ecs = new SamTemplate(root);

  /** What the worker process needs, on the SAM stack's resources and nothing else. */
  private static final Set<String> TASK_ROLE_GRANTS =
      Set.of(
          "sqs:ReceiveMessage import:JobRequestQueueArn",
          "sqs:DeleteMessage import:JobRequestQueueArn",
          "sqs:ChangeMessageVisibility import:JobRequestQueueArn",
          "sqs:GetQueueAttributes import:JobRequestQueueArn",
          "sqs:SendMessage import:JobRequestDeadLetterQueueArn",
          "dynamodb:GetItem import:JobTableArn",
          "dynamodb:PutItem import:JobTableArn",
          "dynamodb:UpdateItem import:JobTableArn",
          "dynamodb:Query import:JobTableArn/index/owner-submittedAt-index",
          "s3:GetObject import:PayloadBucketArn/*",
          "s3:PutObject import:PayloadBucketArn/*");

  private static final String REPOSITORY =
      "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/${ImageRepositoryName}";

  /** Pull the image from the one repository, write to the one log group. */
  private static final Set<String> EXECUTION_ROLE_GRANTS =
      Set.of(
          "ecr:GetAuthorizationToken *",
          "ecr:BatchCheckLayerAvailability " + REPOSITORY,
          "ecr:BatchGetImage " + REPOSITORY,
          "ecr:GetDownloadUrlForLayer " + REPOSITORY,
          "logs:CreateLogStream WorkerLogGroup.Arn",
          "logs:PutLogEvents WorkerLogGroup.Arn");

  /** AWS offers no resource-level permission for these: "*" is the only resource possible. */
  private static final Set<String> ACTIONS_THAT_NEED_STAR_RESOURCE =
      Set.of("ecr:GetAuthorizationToken");

  @Test
  void a_fargate_task_runs_the_image_parameter_as_workers_on_the_imported_resources() {
    Map<String, Object> task = ecs.properties("WorkerTaskDefinition");
    assertThat(ecs.type("WorkerTaskDefinition")).isEqualTo("AWS::ECS::TaskDefinition");
    assertThat(Cfn.list(task.get("RequiresCompatibilities"))).containsExactly("FARGATE");
    assertThat(task.get("NetworkMode")).isEqualTo("awsvpc");
    assertThat(task.get("Cpu")).isEqualTo(Map.of("Ref", "TaskCpu"));
    assertThat(task.get("Memory")).isEqualTo(Map.of("Ref", "TaskMemory"));
    assertThat(Cfn.describe(task.get("TaskRoleArn"))).isEqualTo("TaskRole.Arn");
    assertThat(Cfn.describe(task.get("ExecutionRoleArn"))).isEqualTo("TaskExecutionRole.Arn");

    Map<String, Object> container = container();
    assertThat(container.get("Image")).isEqualTo(Map.of("Ref", "ContainerImage"));
    assertThat(Cfn.mapAt(root, "Parameters", "ContainerImage"))
        .as("the image has no default: the deployer names the one built")
        .doesNotContainKey("Default");
    assertThat(Cfn.integer(container.get("StopTimeout"))).isGreaterThanOrEqualTo(30);

    Map<String, String> env = environment(container);
    assertThat(env)
        .containsEntry("INGEST_BACKEND", "aws")
        .containsEntry("INGEST_ROLE", "workers")
        .containsEntry("INGEST_QUEUE_URL", "import:JobRequestQueueUrl")
        .containsEntry("INGEST_DEAD_LETTER_QUEUE_URL", "import:JobRequestDeadLetterQueueUrl")
        .containsEntry("INGEST_TABLE", "import:JobTableName")
        .containsEntry("INGEST_BUCKET", "import:PayloadBucketName")
        .containsEntry("AWS_REGION", "AWS::Region");

    Map<String, Object> service = ecs.properties("WorkerService");
    assertThat(service.get("LaunchType")).isEqualTo("FARGATE");
    assertThat(service.get("TaskDefinition")).isEqualTo(Map.of("Ref", "WorkerTaskDefinition"));
    assertThat(Cfn.at(service, "DeploymentConfiguration", "DeploymentCircuitBreaker", "Rollback"))
        .isEqualTo(true);
  }

  @Test
  void every_import_is_an_export_of_the_sam_template() {
    Map<String, Object> exported = new LinkedHashMap<>();
    SamTemplate sam = Repo.template();
    for (Map.Entry<String, Object> output : Cfn.mapAt(sam.root(), "Outputs").entrySet()) {
      Object name = Cfn.at(output.getValue(), "Export", "Name");
      if (name != null) {
        assertThat(Cfn.describe(name)).isEqualTo("${AWS::StackName}-" + output.getKey());
        exported.put(output.getKey(), Cfn.at(output.getValue(), "Value"));
      }
    }
    Set<String> imported = imports(root);
    assertThat(imported)
        .containsExactlyInAnyOrder(
            "JobRequestQueueArn",
            "JobRequestQueueUrl",
            "JobRequestDeadLetterQueueArn",
            "JobRequestDeadLetterQueueUrl",
            "JobTableArn",
            "JobTableName",
            "PayloadBucketArn",
            "PayloadBucketName");
    assertThat(exported.keySet()).containsAll(imported);
    // each export is what its name says
    assertThat(Cfn.describe(exported.get("JobRequestQueueArn"))).isEqualTo("JobRequestQueue.Arn");
    assertThat(Cfn.describe(exported.get("JobRequestQueueUrl"))).isEqualTo("JobRequestQueue");
    assertThat(Cfn.describe(exported.get("JobRequestDeadLetterQueueArn")))
        .isEqualTo("JobRequestDeadLetterQueue.Arn");
    assertThat(Cfn.describe(exported.get("JobRequestDeadLetterQueueUrl")))
        .isEqualTo("JobRequestDeadLetterQueue");
    assertThat(Cfn.describe(exported.get("JobTableArn"))).isEqualTo("JobTable.Arn");
    assertThat(Cfn.describe(exported.get("JobTableName"))).isEqualTo("JobTable");
    assertThat(Cfn.describe(exported.get("PayloadBucketArn"))).isEqualTo("PayloadBucket.Arn");
    assertThat(Cfn.describe(exported.get("PayloadBucketName"))).isEqualTo("PayloadBucket");
    for (Object node : Cfn.allNodes(root)) {
      if (node instanceof Map<?, ?> m && m.containsKey("Fn::ImportValue")) {
        assertThat(Cfn.describe(m.get("Fn::ImportValue"))).startsWith("${SamStackName}-");
      }
    }
  }

  @Test
  void the_task_role_grants_exactly_what_the_worker_does_on_the_imported_resources() {
    assertThat(trustedService("TaskRole")).isEqualTo("ecs-tasks.amazonaws.com");
    assertThat(grants("TaskRole")).containsExactlyInAnyOrderElementsOf(TASK_ROLE_GRANTS);
    assertThat(ecs.properties("TaskRole")).doesNotContainKey("ManagedPolicyArns");
  }

  @Test
  void the_execution_role_pulls_from_one_repository_and_logs_to_one_group() {
    assertThat(trustedService("TaskExecutionRole")).isEqualTo("ecs-tasks.amazonaws.com");
    assertThat(grants("TaskExecutionRole"))
        .containsExactlyInAnyOrderElementsOf(EXECUTION_ROLE_GRANTS);
    assertThat(ecs.properties("TaskExecutionRole")).doesNotContainKey("ManagedPolicyArns");
  }

  @Test
  void no_wildcard_actions_and_star_resources_only_where_aws_requires_them() {
    for (String role : ecs.idsOfType("AWS::IAM::Role")) {
      for (Map<String, Object> statement : statements(role)) {
        assertThat(statement.get("Effect")).isEqualTo("Allow");
        assertThat(statement).doesNotContainKeys("NotAction", "NotResource");
        for (Object action : Cfn.listOrSingle(statement.get("Action"))) {
          assertThat((String) action).as(role + " action").doesNotContain("*");
          for (Object resource : Cfn.listOrSingle(statement.get("Resource"))) {
            if ("*".equals(resource)) {
              assertThat(ACTIONS_THAT_NEED_STAR_RESOURCE)
                  .as(role + " " + action)
                  .contains((String) action);
            }
          }
        }
      }
    }
  }

  @Test
  void autoscaling_follows_the_queue_backlog_and_oldest_message_age() {
    Map<String, Object> target = ecs.properties("WorkerScalableTarget");
    assertThat(target.get("ServiceNamespace")).isEqualTo("ecs");
    assertThat(target.get("ScalableDimension")).isEqualTo("ecs:service:DesiredCount");
    assertThat(target.get("MinCapacity")).isEqualTo(Map.of("Ref", "MinCapacity"));
    assertThat(target.get("MaxCapacity")).isEqualTo(Map.of("Ref", "MaxCapacity"));
    assertThat(Cfn.referencedNames(target.get("ResourceId"))).contains("WorkerService");

    Map<String, String> metricToPolicy = new LinkedHashMap<>();
    for (String alarm : ecs.idsOfType("AWS::CloudWatch::Alarm")) {
      Map<String, Object> p = ecs.properties(alarm);
      List<Object> actions = Cfn.list(p.get("AlarmActions"));
      assertThat(actions).as(alarm + " actions").hasSize(1);
      String policy = Cfn.describe(actions.getFirst());
      assertThat(ecs.type(policy)).isEqualTo("AWS::ApplicationAutoScaling::ScalingPolicy");
      assertThat(ecs.properties(policy).get("ScalingTargetId"))
          .isEqualTo(Map.of("Ref", "WorkerScalableTarget"));
      for (Map<String, Object> metric : metrics(p)) {
        assertThat(metric.get("Namespace")).isEqualTo("AWS/SQS");
        Object dimension = Cfn.list(metric.get("Dimensions")).getFirst();
        assertThat(Cfn.at(dimension, "Name")).isEqualTo("QueueName");
        assertThat(imports(Cfn.at(dimension, "Value"))).containsExactly("JobRequestQueueArn");
        metricToPolicy.merge((String) metric.get("MetricName"), policy, (a, b) -> a + "," + b);
      }
    }
    assertThat(metricToPolicy)
        .containsEntry("ApproximateNumberOfMessagesVisible", "BacklogScaleOutPolicy,ScaleInPolicy")
        .containsEntry("ApproximateAgeOfOldestMessage", "AgeScaleOutPolicy")
        .containsEntry("ApproximateNumberOfMessagesNotVisible", "ScaleInPolicy");
    assertThat(adjustments("BacklogScaleOutPolicy")).allMatch(a -> a > 0);
    assertThat(adjustments("AgeScaleOutPolicy")).allMatch(a -> a > 0);
    assertThat(adjustments("ScaleInPolicy")).containsExactly(-1);
  }

  @Test
  void logs_go_to_a_log_group_with_retention() {
    assertThat(ecs.properties("WorkerLogGroup").get("RetentionInDays"))
        .isEqualTo(Map.of("Ref", "LogRetentionDays"));
    Map<String, Object> logging = Cfn.mapAt(container(), "LogConfiguration");
    assertThat(logging.get("LogDriver")).isEqualTo("awslogs");
    assertThat(Cfn.at(logging, "Options", "awslogs-group"))
        .isEqualTo(Map.of("Ref", "WorkerLogGroup"));
  }

  @Test
  void tasks_get_no_public_ip_unless_the_parameter_says_so() {
    Object assign =
        Cfn.at(
            ecs.properties("WorkerService"),
            "NetworkConfiguration",
            "AwsvpcConfiguration",
            "AssignPublicIp");
    assertThat(assign).isEqualTo(Map.of("Fn::If", List.of("PublicIp", "ENABLED", "DISABLED")));
    assertThat(Cfn.at(root, "Conditions", "PublicIp"))
        .isEqualTo(Map.of("Fn::Equals", List.of(Map.of("Ref", "AssignPublicIp"), "true")));
    assertThat(Cfn.at(root, "Parameters", "AssignPublicIp", "Default")).isEqualTo("false");
    assertThat(Cfn.at(root, "Parameters", "Subnets", "Type"))
        .isEqualTo("List<AWS::EC2::Subnet::Id>");
    assertThat(Cfn.at(root, "Parameters", "SecurityGroups", "Type"))
        .isEqualTo("List<AWS::EC2::SecurityGroup::Id>");
  }

  @Test
  void the_template_is_linted() {
    assertThat(Repo.text("scripts/lint-templates.sh")).contains(TEMPLATE);
  }

  // ---------------------------------------------------------------------------------------------

  private Map<String, Object> container() {
    List<Object> containers =
        Cfn.list(ecs.properties("WorkerTaskDefinition").get("ContainerDefinitions"));
    assertThat(containers).hasSize(1);
    return Cfn.map(containers.getFirst());
  }

  /** Name to value; a conditional variable counts with its value when the condition holds. */
  private static Map<String, String> environment(Map<String, Object> container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Object entry : Cfn.list(container.get("Environment"))) {
      Object variable = entry;
      if (entry instanceof Map<?, ?> m && m.containsKey("Fn::If")) {
        variable = Cfn.list(m.get("Fn::If")).get(1);
      }
      env.put((String) Cfn.at(variable, "Name"), value(Cfn.at(variable, "Value")));
    }
    return env;
  }

  /** A value in readable form: {@code import:<Output>} for an import, else {@link Cfn#describe}. */
  private static String value(Object node) {
    if (node instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("Fn::ImportValue")) {
      String name = Cfn.describe(m.get("Fn::ImportValue"));
      assertThat(name).startsWith("${SamStackName}-");
      return "import:" + name.substring("${SamStackName}-".length());
    }
    if (node instanceof Map<?, ?> m
        && m.size() == 1
        && m.get("Fn::Sub") instanceof List<?> form
        && form.size() == 2) {
      String text = (String) form.get(0);
      for (Map.Entry<?, ?> variable : Cfn.map(form.get(1)).entrySet()) {
        text = text.replace("${" + variable.getKey() + "}", value(variable.getValue()));
      }
      return text;
    }
    return Cfn.describe(node);
  }

  /** The outputs of the SAM stack a tree imports. */
  private static Set<String> imports(Object tree) {
    Set<String> names = new LinkedHashSet<>();
    for (Object node : Cfn.allNodes(tree)) {
      if (node instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("Fn::ImportValue")) {
        names.add(value(node).substring("import:".length()));
      }
    }
    return names;
  }

  private List<Map<String, Object>> statements(String role) {
    List<Map<String, Object>> statements = new ArrayList<>();
    for (Object policy : Cfn.list(ecs.properties(role).get("Policies"))) {
      for (Object statement : Cfn.list(Cfn.at(policy, "PolicyDocument", "Statement"))) {
        statements.add(Cfn.map(statement));
      }
    }
    return statements;
  }

  private Set<String> grants(String role) {
    Set<String> grants = new TreeSet<>();
    for (Map<String, Object> statement : statements(role)) {
      for (Object action : Cfn.listOrSingle(statement.get("Action"))) {
        for (Object resource : Cfn.listOrSingle(statement.get("Resource"))) {
          grants.add(action + " " + value(resource));
        }
      }
    }
    return grants;
  }

  private String trustedService(String role) {
    List<Object> trust =
        Cfn.list(Cfn.at(ecs.properties(role), "AssumeRolePolicyDocument", "Statement"));
    assertThat(trust).hasSize(1);
    assertThat(Cfn.at(trust.getFirst(), "Action")).isEqualTo("sts:AssumeRole");
    assertThat(Cfn.at(trust.getFirst(), "Condition", "StringEquals", "aws:SourceAccount"))
        .as(role + " trusts tasks of this account only")
        .isEqualTo(Map.of("Ref", "AWS::AccountId"));
    return (String) Cfn.at(trust.getFirst(), "Principal", "Service");
  }

  /** The metrics an alarm watches: its own, or those of its metric math. */
  private static List<Map<String, Object>> metrics(Map<String, Object> alarm) {
    List<Map<String, Object>> metrics = new ArrayList<>();
    if (alarm.containsKey("MetricName")) {
      metrics.add(alarm);
    } else {
      for (Object query : Cfn.list(alarm.get("Metrics"))) {
        Object metric = Cfn.at(query, "MetricStat", "Metric");
        if (metric != null) {
          metrics.add(Cfn.map(metric));
        }
      }
    }
    assertThat(metrics).isNotEmpty();
    return metrics;
  }

  private List<Integer> adjustments(String policy) {
    assertThat(ecs.properties(policy).get("PolicyType")).isEqualTo("StepScaling");
    return Cfn.list(
            Cfn.at(ecs.properties(policy), "StepScalingPolicyConfiguration", "StepAdjustments"))
        .stream()
        .map(step -> Cfn.integer(Cfn.at(step, "ScalingAdjustment")))
        .toList();
  }
}
