package dev.qbi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * pipeline.yaml (the CodePipeline V2), buildspec.yml and testspec.yml: stage order, what each stage
 * deploys, the artifact bucket, the roles, and that the two specs only run tools the CodeBuild
 * image has and only name repository paths that exist.
 */
class PipelineTest {

  private static final String IMAGE = "aws/codebuild/amazonlinux2-x86_64-standard:5.0";

  /**
   * Statements allowed to grant on Resource "*": the actions take no resource ARN (or, for the
   * create calls, the resource does not exist yet). docs/pipeline.md justifies each by its Sid.
   */
  private static final Set<String> WILDCARD_SIDS =
      Set.of(
          "ValidateTemplates",
          "CreateEventSourceMappings",
          "ApiAccessLogDelivery",
          "CreateKeys",
          "CreateUserPools");

  /** First words a spec command may start with: tools of the build image and shell builtins. */
  private static final Set<String> IMAGE_TOOLS =
      Set.of(
          "mvn", "java", "sam", "aws", "npm", "node", "make", "cd", "echo", "export", "test", "[",
          "set", "ls", "cat", "mkdir", "printf", "true");

  private static final Pattern REPO_FILE =
      Pattern.compile("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*\\.(ya?ml|xml|json|toml|sh)$");

  private final Map<String, Object> pipeline = CfnYaml.loadMap(Repo.file("pipeline.yaml"));

  // ---------------------------------------------------------------- pipeline.yaml helpers

  private Map<String, Object> resource(String logicalId) {
    return Cfn.mapAt(pipeline, "Resources", logicalId);
  }

  private Map<String, Object> properties(String logicalId) {
    return Cfn.mapAt(pipeline, "Resources", logicalId, "Properties");
  }

  private List<String> resourcesOfType(String type) {
    return Cfn.mapAt(pipeline, "Resources").entrySet().stream()
        .filter(e -> type.equals(Cfn.map(e.getValue()).get("Type")))
        .map(Map.Entry::getKey)
        .toList();
  }

  private String pipelineId() {
    List<String> pipelines = resourcesOfType("AWS::CodePipeline::Pipeline");
    assertThat(pipelines).hasSize(1);
    return pipelines.get(0);
  }

  private List<Object> stages() {
    return Cfn.list(properties(pipelineId()).get("Stages"));
  }

  private Map<String, Object> stage(String name) {
    return stages().stream()
        .map(Cfn::map)
        .filter(s -> name.equals(s.get("Name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no stage " + name));
  }

  /** The stage's actions, with an Fn::If resolved for the given condition value, by RunOrder. */
  private List<Map<String, Object>> actions(String stageName, boolean conditionsTrue) {
    List<Map<String, Object>> actions = new ArrayList<>();
    for (Object action : Cfn.list(stage(stageName).get("Actions"))) {
      Object resolved = action;
      Object fnIf = Cfn.map(action).get("Fn::If");
      if (fnIf != null) {
        List<Object> branches = Cfn.list(fnIf);
        resolved = branches.get(conditionsTrue ? 1 : 2);
        if (Map.of("Ref", "AWS::NoValue").equals(resolved)) {
          continue;
        }
      }
      actions.add(Cfn.map(resolved));
    }
    actions.sort(Comparator.comparingInt(PipelineTest::runOrder));
    return actions;
  }

  private static int runOrder(Map<String, Object> action) {
    return Cfn.integer(action.get("RunOrder"));
  }

  private static String provider(Map<String, Object> action) {
    return (String) Cfn.at(action, "ActionTypeId", "Provider");
  }

  private static String config(Map<String, Object> action, String key) {
    return Cfn.describe(Cfn.at(action, "Configuration", key));
  }

  /** Every statement of every inline policy of every IAM role, with the role's id. */
  private Map<String, List<Map<String, Object>>> roleStatements() {
    Map<String, List<Map<String, Object>>> byRole = new LinkedHashMap<>();
    for (String role : resourcesOfType("AWS::IAM::Role")) {
      List<Map<String, Object>> statements = new ArrayList<>();
      for (Object policy : Cfn.list(properties(role).get("Policies"))) {
        for (Object statement : Cfn.list(Cfn.mapAt(policy, "PolicyDocument").get("Statement"))) {
          statements.add(Cfn.map(statement));
        }
      }
      byRole.put(role, statements);
    }
    return byRole;
  }

  private Map<String, Object> statement(String role, String sid) {
    return roleStatements().get(role).stream()
        .filter(s -> sid.equals(s.get("Sid")))
        .findFirst()
        .orElseThrow(() -> new AssertionError(role + " has no statement " + sid));
  }

  private static List<String> resources(Map<String, Object> statement) {
    return Cfn.listOrSingle(statement.get("Resource")).stream().map(Cfn::describe).toList();
  }

  private static List<String> actionsOf(Map<String, Object> statement) {
    return Cfn.listOrSingle(statement.get("Action")).stream().map(String::valueOf).toList();
  }

  private String projectUsedBy(Map<String, Object> action) {
    return Cfn.describe(Cfn.at(action, "Configuration", "ProjectName"));
  }

  private Map<String, String> projectEnvironment(String project) {
    Map<String, String> env = new LinkedHashMap<>();
    Object variables = Cfn.at(properties(project), "Environment", "EnvironmentVariables");
    if (variables != null) {
      for (Object v : Cfn.list(variables)) {
        env.put((String) Cfn.map(v).get("Name"), Cfn.describe(Cfn.map(v).get("Value")));
      }
    }
    return env;
  }

  // ---------------------------------------------------------------- the pipeline

  @Test
  void pipeline_is_codepipeline_v2_storing_artifacts_in_the_stack_bucket() {
    Map<String, Object> p = properties(pipelineId());
    assertThat(p.get("PipelineType")).isEqualTo("V2");
    assertThat(Cfn.at(p, "ArtifactStore", "Type")).isEqualTo("S3");
    assertThat(Cfn.at(p, "ArtifactStore", "Location")).isEqualTo(Map.of("Ref", "ArtifactBucket"));
    assertThat(Cfn.describe(p.get("RoleArn"))).isEqualTo("PipelineRole.Arn");
  }

  @Test
  void stages_run_source_then_build_then_testing_then_production() {
    assertThat(stages().stream().map(s -> Cfn.map(s).get("Name")))
        .containsExactly("Source", "Build", "Testing", "Production");
  }

  @Test
  void source_reads_github_through_a_codestar_connection_created_only_when_none_is_given() {
    List<Map<String, Object>> source = actions("Source", true);
    assertThat(source).hasSize(1);
    Map<String, Object> action = source.get(0);
    assertThat(Cfn.map(action.get("ActionTypeId")))
        .containsEntry("Category", "Source")
        .containsEntry("Owner", "AWS")
        .containsEntry("Provider", "CodeStarSourceConnection");
    assertThat(config(action, "FullRepositoryId")).isEqualTo("FullRepositoryId");
    assertThat(config(action, "BranchName")).isEqualTo("BranchName");
    assertThat(Cfn.at(action, "Configuration", "ConnectionArn"))
        .isEqualTo(
            Map.of(
                "Fn::If",
                List.of(
                    "CreateConnection",
                    Map.of("Ref", "GitHubConnection"),
                    Map.of("Ref", "ConnectionArn"))));

    Map<String, Object> connection = resource("GitHubConnection");
    assertThat(connection.get("Type")).isEqualTo("AWS::CodeStarConnections::Connection");
    assertThat(connection.get("Condition")).isEqualTo("CreateConnection");
    assertThat(Cfn.at(connection, "Properties", "ProviderType")).isEqualTo("GitHub");
    assertThat(Cfn.at(pipeline, "Conditions", "CreateConnection"))
        .isEqualTo(Map.of("Fn::Equals", List.of(Map.of("Ref", "ConnectionArn"), "")));
    assertThat(Cfn.at(pipeline, "Parameters", "BranchName", "Default")).isEqualTo("main");
    // the connection starts PENDING: the output tells the operator to complete it
    assertThat(Cfn.at(pipeline, "Outputs", "ConnectionArn", "Description").toString())
        .contains("console");
  }

  @Test
  void pipeline_runs_on_pushes_to_the_configured_branch() {
    Object trigger = Cfn.list(properties(pipelineId()).get("Triggers")).get(0);
    assertThat(Cfn.at(trigger, "ProviderType")).isEqualTo("CodeStarSourceConnection");
    assertThat(Cfn.at(trigger, "GitConfiguration", "SourceActionName"))
        .isEqualTo(actions("Source", true).get(0).get("Name"));
    Object push = Cfn.list(Cfn.at(trigger, "GitConfiguration", "Push")).get(0);
    assertThat(Cfn.list(Cfn.at(push, "Branches", "Includes")))
        .containsExactly(Map.of("Ref", "BranchName"));
  }

  @Test
  void build_stage_runs_the_build_project_on_the_source_and_outputs_the_build_artifact() {
    List<Map<String, Object>> build = actions("Build", true);
    assertThat(build).hasSize(1);
    assertThat(provider(build.get(0))).isEqualTo("CodeBuild");
    assertThat(projectUsedBy(build.get(0))).isEqualTo("BuildProject");
    assertThat(Cfn.list(build.get(0).get("InputArtifacts")))
        .containsExactly(Map.of("Name", "SourceArtifact"));
    assertThat(Cfn.list(build.get(0).get("OutputArtifacts")))
        .containsExactly(Map.of("Name", "BuildArtifact"));
    assertThat(Cfn.at(properties("BuildProject"), "Source", "BuildSpec"))
        .isEqualTo("buildspec.yml");
    assertThat(projectEnvironment("BuildProject"))
        .containsEntry("ARTIFACT_BUCKET", "ArtifactBucket");
  }

  @Test
  void testing_deploys_cognito_then_the_app_then_runs_the_e2e_suite_against_both() {
    List<Map<String, Object>> testing = actions("Testing", true);
    assertThat(testing)
        .extracting(PipelineTest::provider)
        .containsExactly("CloudFormation", "CloudFormation", "CodeBuild");
    assertThat(testing).extracting(PipelineTest::runOrder).isSorted().doesNotHaveDuplicates();

    assertCognitoDeploy(testing.get(0), "${AWS::StackName}-cognito-testing");
    assertAppDeploy(
        testing.get(1), "${AWS::StackName}-testing", "${AWS::StackName}-cognito-testing");

    Map<String, Object> e2e = testing.get(2);
    assertThat(Cfn.at(e2e, "ActionTypeId", "Category")).isEqualTo("Test");
    String project = projectUsedBy(e2e);
    assertThat(Cfn.at(properties(project), "Source", "BuildSpec")).isEqualTo("testspec.yml");
    assertThat(projectEnvironment(project))
        .containsEntry("STACK_NAME", "${AWS::StackName}-testing")
        .containsEntry("COGNITO_STACK_NAME", "${AWS::StackName}-cognito-testing");
  }

  @Test
  void production_deploys_cognito_then_the_app_behind_an_optional_manual_approval() {
    List<Map<String, Object>> approved = actions("Production", true);
    assertThat(approved)
        .extracting(PipelineTest::provider)
        .containsExactly("Manual", "CloudFormation", "CloudFormation");
    assertThat(Cfn.at(approved.get(0), "ActionTypeId", "Category")).isEqualTo("Approval");
    assertThat(approved).extracting(PipelineTest::runOrder).isSorted().doesNotHaveDuplicates();

    List<Map<String, Object>> unattended = actions("Production", false);
    assertThat(unattended)
        .extracting(PipelineTest::provider)
        .containsExactly("CloudFormation", "CloudFormation");
    assertCognitoDeploy(unattended.get(0), "${AWS::StackName}-cognito-prod");
    assertAppDeploy(unattended.get(1), "${AWS::StackName}-prod", "${AWS::StackName}-cognito-prod");

    Object approvalIf = Cfn.list(stage("Production").get("Actions")).get(0);
    assertThat(Cfn.list(Cfn.map(approvalIf).get("Fn::If")).get(0)).isEqualTo("ApproveProduction");
    assertThat(Cfn.at(pipeline, "Parameters", "RequireProductionApproval", "AllowedValues"))
        .isEqualTo(List.of("true", "false"));
  }

  private void assertCognitoDeploy(Map<String, Object> action, String stackName) {
    assertThat(Cfn.at(action, "ActionTypeId", "Category")).isEqualTo("Deploy");
    assertThat(config(action, "ActionMode")).isEqualTo("CREATE_UPDATE");
    assertThat(config(action, "StackName")).isEqualTo(stackName);
    assertThat(config(action, "TemplatePath")).isEqualTo("BuildArtifact::cognito.yaml");
    assertThat(config(action, "RoleArn")).isEqualTo("DeployRole.Arn");
  }

  private void assertAppDeploy(Map<String, Object> action, String stackName, String cognitoStack) {
    assertThat(Cfn.at(action, "ActionTypeId", "Category")).isEqualTo("Deploy");
    assertThat(config(action, "ActionMode")).isEqualTo("CREATE_UPDATE");
    assertThat(config(action, "StackName")).isEqualTo(stackName);
    assertThat(config(action, "TemplatePath")).isEqualTo("BuildArtifact::packaged.yaml");
    assertThat(config(action, "RoleArn")).isEqualTo("DeployRole.Arn");
    // the template creates roles (CAPABILITY_IAM) and includes api.yaml (CAPABILITY_AUTO_EXPAND)
    assertThat(List.of(config(action, "Capabilities").split(",")))
        .contains("CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND");
    String overrides = config(action, "ParameterOverrides");
    assertThat(overrides).isEqualTo("{\"CognitoStackName\": \"" + cognitoStack + "\"}");
    assertThat(Cfn.at(Repo.template().root(), "Parameters", "CognitoStackName")).isNotNull();
  }

  // ---------------------------------------------------------------- artifact bucket

  @Test
  void artifact_bucket_is_encrypted_private_versioned_and_expires_old_artifacts() {
    Map<String, Object> bucket = properties("ArtifactBucket");
    Object encryption =
        Cfn.list(Cfn.at(bucket, "BucketEncryption", "ServerSideEncryptionConfiguration")).get(0);
    assertThat(Cfn.at(encryption, "ServerSideEncryptionByDefault", "SSEAlgorithm"))
        .isIn("AES256", "aws:kms");
    Map<String, Object> block = Cfn.mapAt(bucket, "PublicAccessBlockConfiguration");
    for (String flag :
        List.of(
            "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
      assertThat(block.get(flag)).as(flag).isEqualTo(true);
    }
    assertThat(Cfn.at(bucket, "VersioningConfiguration", "Status")).isEqualTo("Enabled");
    Object rule = Cfn.list(Cfn.at(bucket, "LifecycleConfiguration", "Rules")).get(0);
    assertThat(Cfn.at(rule, "Status")).isEqualTo("Enabled");
    assertThat(Cfn.at(rule, "ExpirationInDays")).isEqualTo(Map.of("Ref", "ArtifactRetentionDays"));
    assertThat(Cfn.integer(Cfn.at(rule, "NoncurrentVersionExpiration", "NoncurrentDays")))
        .isPositive();
    assertThat(Cfn.at(rule, "AbortIncompleteMultipartUpload", "DaysAfterInitiation")).isNotNull();
  }

  @Test
  void artifact_bucket_policy_denies_every_request_without_tls() {
    Map<String, Object> policy = properties("ArtifactBucketPolicy");
    assertThat(policy.get("Bucket")).isEqualTo(Map.of("Ref", "ArtifactBucket"));
    Map<String, Object> deny =
        Cfn.map(Cfn.list(Cfn.at(policy, "PolicyDocument", "Statement")).get(0));
    assertThat(deny.get("Effect")).isEqualTo("Deny");
    assertThat(deny.get("Principal")).isEqualTo("*");
    assertThat(deny.get("Action")).isEqualTo("s3:*");
    assertThat(resources(deny))
        .containsExactlyInAnyOrder("ArtifactBucket.Arn", "${ArtifactBucket.Arn}/*");
    assertThat(Cfn.at(deny, "Condition", "Bool", "aws:SecureTransport")).isEqualTo("false");
  }

  // ---------------------------------------------------------------- roles

  @Test
  void only_allow_listed_statements_grant_on_every_resource_and_the_docs_justify_each() {
    String docs = Repo.text("docs/pipeline.md");
    Set<String> wildcardSids = new LinkedHashSet<>();
    roleStatements()
        .forEach(
            (role, statements) -> {
              for (Map<String, Object> s : statements) {
                assertThat(s.get("Effect")).as(role + " " + s.get("Sid")).isEqualTo("Allow");
                assertThat(actionsOf(s))
                    .as("%s %s: no wildcard actions", role, s.get("Sid"))
                    .allSatisfy(a -> assertThat(a).doesNotContain("*"));
                if (resources(s).contains("*")) {
                  wildcardSids.add(String.valueOf(s.get("Sid")));
                }
              }
            });
    assertThat(wildcardSids).isSubsetOf(WILDCARD_SIDS);
    for (String sid : wildcardSids) {
      assertThat(docs).as("docs/pipeline.md justifies %s", sid).contains("`" + sid + "`");
    }
  }

  @Test
  void each_role_is_assumable_only_by_its_service_from_this_account() {
    Map<String, String> services =
        Map.of(
            "PipelineRole", "codepipeline.amazonaws.com",
            "BuildRole", "codebuild.amazonaws.com",
            "EndToEndRole", "codebuild.amazonaws.com",
            "DeployRole", "cloudformation.amazonaws.com");
    assertThat(resourcesOfType("AWS::IAM::Role"))
        .containsExactlyInAnyOrderElementsOf(services.keySet());
    services.forEach(
        (role, service) -> {
          List<Object> trust =
              Cfn.list(Cfn.at(properties(role), "AssumeRolePolicyDocument", "Statement"));
          assertThat(trust).hasSize(1);
          assertThat(Cfn.at(trust.get(0), "Principal", "Service")).as(role).isEqualTo(service);
          assertThat(Cfn.at(trust.get(0), "Condition", "StringEquals", "aws:SourceAccount"))
              .isEqualTo(Map.of("Ref", "AWS::AccountId"));
        });
  }

  @Test
  void
      pipeline_role_drives_only_the_four_stacks_and_passes_the_deploy_role_only_to_cloudformation() {
    assertThat(resources(statement("PipelineRole", "DeployStacks")))
        .containsExactlyInAnyOrder(
            stackArn("${AWS::StackName}-cognito-testing"),
            stackArn("${AWS::StackName}-testing"),
            stackArn("${AWS::StackName}-cognito-prod"),
            stackArn("${AWS::StackName}-prod"));
    Map<String, Object> pass = statement("PipelineRole", "PassDeployRole");
    assertThat(resources(pass)).containsExactly("DeployRole.Arn");
    assertThat(Cfn.at(pass, "Condition", "StringEquals", "iam:PassedToService"))
        .isEqualTo("cloudformation.amazonaws.com");
    assertThat(resources(statement("PipelineRole", "RunBuilds")))
        .containsExactlyInAnyOrder("BuildProject.Arn", "EndToEndProject.Arn");
    assertThat(actionsOf(statement("PipelineRole", "UseConnection")))
        .contains("codestar-connections:UseConnection");
  }

  private static String stackArn(String name) {
    return "arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/"
        + name
        + "/*";
  }

  @Test
  void e2e_role_reads_only_the_testing_stacks_and_manages_users_only_in_the_testing_pool() {
    assertThat(resources(statement("EndToEndRole", "ReadTestingStackOutputs")))
        .containsExactlyInAnyOrder(
            stackArn("${AWS::StackName}-testing"), stackArn("${AWS::StackName}-cognito-testing"));
    Map<String, Object> users = statement("EndToEndRole", "ManageTestUsers");
    assertThat(actionsOf(users)).allSatisfy(a -> assertThat(a).startsWith("cognito-idp:Admin"));
    assertThat(Cfn.at(users, "Condition", "StringEquals", "aws:ResourceTag/Stack"))
        .isEqualTo(Map.of("Fn::Sub", "${AWS::StackName}-cognito-testing"));
    // the condition works because cognito.yaml tags its pool with its own stack name
    assertThat(
            Cfn.at(Repo.cognito(), "Resources", "UserPool", "Properties", "UserPoolTags", "Stack"))
        .isEqualTo(Map.of("Ref", "AWS::StackName"));
    // no write access to the artifacts or any stack
    assertThat(roleStatements().get("EndToEndRole"))
        .flatExtracting(PipelineTest::actionsOf)
        .noneMatch(a -> a.equals("s3:PutObject") || a.startsWith("cloudformation:Update"));
  }

  @Test
  void codebuild_projects_use_the_standard_image_and_log_to_groups_with_retention() {
    List<String> projects = resourcesOfType("AWS::CodeBuild::Project");
    assertThat(projects).containsExactlyInAnyOrder("BuildProject", "EndToEndProject");
    for (String project : projects) {
      Map<String, Object> p = properties(project);
      assertThat(Cfn.at(p, "Environment", "Image")).as(project).isEqualTo(IMAGE);
      Object group = Cfn.at(p, "LogsConfig", "CloudWatchLogs", "GroupName");
      assertThat(group).isInstanceOf(Map.class);
      String logGroup = Cfn.describe(group);
      assertThat(Cfn.at(resource(logGroup), "Type")).isEqualTo("AWS::Logs::LogGroup");
      assertThat(Cfn.at(properties(logGroup), "RetentionInDays"))
          .isEqualTo(Map.of("Ref", "BuildLogRetentionDays"));
      String role = Cfn.describe(p.get("ServiceRole"));
      assertThat(resources(statement(role.substring(0, role.indexOf('.')), "Logs")))
          .containsExactly(logGroup + ".Arn");
    }
  }

  // ---------------------------------------------------------------- buildspec.yml, testspec.yml

  private static Map<String, Object> spec(String file) {
    Object root = CfnYaml.loadWithoutTags(Repo.file(file));
    assertThat(root).as(file).isInstanceOf(Map.class);
    return Cfn.map(root);
  }

  /** Every command of every phase of a spec. */
  private static List<String> commands(Map<String, Object> spec) {
    List<String> out = new ArrayList<>();
    for (Object phase : Cfn.mapAt(spec, "phases").values()) {
      Object commands = Cfn.at(phase, "commands");
      if (commands != null) {
        Cfn.list(commands).forEach(c -> out.add(String.valueOf(c)));
      }
    }
    return out;
  }

  /** A command split at && || ; | and new lines, quoted text blanked so it cannot split. */
  private static List<String> segments(String command) {
    String unquoted = command.replaceAll("\"[^\"]*\"", "\"\"").replaceAll("'[^']*'", "''");
    List<String> out = new ArrayList<>();
    for (String part : unquoted.split("&&|\\|\\||;|\\||\\n")) {
      String trimmed = part.trim();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        out.add(trimmed);
      }
    }
    return out;
  }

  private static String firstWord(String segment) {
    for (String word : segment.split("\\s+")) {
      if (!word.matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
        return word;
      }
    }
    return "";
  }

  @Test
  void buildspec_installs_corretto_21_verifies_and_ships_the_templates_the_pipeline_deploys() {
    Map<String, Object> spec = spec("buildspec.yml");
    assertThat(String.valueOf(spec.get("version"))).isEqualTo("0.2");
    assertThat(Cfn.at(spec, "phases", "install", "runtime-versions", "java"))
        .isEqualTo("corretto21");
    List<String> commands = commands(spec);
    assertThat(commands).anyMatch(c -> c.startsWith("npm ci --prefix tools/dynalite"));
    assertThat(commands)
        .anyMatch(c -> c.matches("mvn .*\\bverify\\b.*") && !c.contains("-DskipTests"));
    assertThat(commands).anyMatch(c -> c.startsWith("sam build"));
    String packageCommand =
        commands.stream().filter(c -> c.startsWith("sam package")).findFirst().orElseThrow();
    assertThat(packageCommand)
        .contains("--s3-bucket \"$ARTIFACT_BUCKET\"")
        .contains("--output-template-file packaged.yaml");
    assertThat(commands.indexOf(packageCommand)).isGreaterThan(commands.indexOf("sam build"));
    // exactly the two files the deploy actions read from BuildArtifact
    assertThat(Cfn.list(Cfn.at(spec, "artifacts", "files")))
        .containsExactlyInAnyOrder("packaged.yaml", "cognito.yaml");
  }

  @Test
  void testspec_runs_only_the_e2e_module_with_the_stack_names_set() {
    Map<String, Object> spec = spec("testspec.yml");
    assertThat(String.valueOf(spec.get("version"))).isEqualTo("0.2");
    assertThat(Cfn.at(spec, "phases", "install", "runtime-versions", "java"))
        .isEqualTo("corretto21");
    List<String> commands = commands(spec);
    assertThat(commands).contains("test -n \"$STACK_NAME\"", "test -n \"$COGNITO_STACK_NAME\"");
    String last = commands.get(commands.size() - 1);
    assertThat(last).startsWith("mvn ").contains("-pl e2e").contains("verify");
    // the stage's project has room for the failing-job scenario (three deliveries of 1,080 s)
    assertThat(Cfn.integer(properties("EndToEndProject").get("TimeoutInMinutes")))
        .isGreaterThanOrEqualTo(60);
    assertThat(last).doesNotContain("-DskipTests").doesNotContain("-am");
  }

  @Test
  void specs_run_only_tools_of_the_build_image() {
    for (String file : List.of("buildspec.yml", "testspec.yml")) {
      for (String command : commands(spec(file))) {
        for (String segment : segments(command)) {
          assertThat(firstWord(segment)).as("%s: %s", file, segment).isIn(IMAGE_TOOLS);
        }
      }
    }
  }

  @Test
  void repository_paths_and_modules_named_by_the_specs_exist() {
    Set<String> modules = rootModules();
    for (String file : List.of("buildspec.yml", "testspec.yml")) {
      Map<String, Object> spec = spec(file);
      Set<String> produced = new LinkedHashSet<>();
      Set<String> paths = new LinkedHashSet<>();
      for (String command : commands(spec)) {
        List<String> words = List.of(command.split("\\s+"));
        for (int i = 0; i < words.size(); i++) {
          String word = words.get(i);
          String next = i + 1 < words.size() ? words.get(i + 1) : null;
          if (next == null) {
            continue;
          }
          switch (word) {
            case "--output-template-file" -> produced.add(next);
            case "--prefix" -> paths.add(next);
            case "-pl" -> {
              for (String module : next.split(",")) {
                assertThat(modules)
                    .as("%s: -pl %s is a module of the root pom", file, module)
                    .contains(module);
                paths.add(module + "/pom.xml");
              }
            }
            default -> {}
          }
        }
        for (String word : words) {
          if (REPO_FILE.matcher(word).matches()) {
            paths.add(word);
          }
          if (word.startsWith("-Dtest=")) {
            String module = words.get(words.indexOf("-pl") + 1);
            for (String testClass : word.substring("-Dtest=".length()).split(",")) {
              assertThat(testClassExists(module, testClass))
                  .as("%s: -Dtest=%s is a test class of %s", file, testClass, module)
                  .isTrue();
            }
          }
        }
      }
      paths.removeAll(produced);
      Object files = Cfn.at(spec, "artifacts", "files");
      if (files != null) {
        for (Object f : Cfn.list(files)) {
          if (!produced.contains(String.valueOf(f))) {
            paths.add(String.valueOf(f));
          }
        }
      }
      if (paths.contains("tools/dynalite")) {
        paths.add("tools/dynalite/package-lock.json"); // npm ci needs the lock file
      }
      for (String path : paths) {
        assertThat(Files.exists(Repo.file(path))).as("%s names %s", file, path).isTrue();
      }
    }
  }

  private static boolean testClassExists(String module, String simpleName) {
    try (Stream<Path> files = Files.walk(Repo.file(module + "/src/test/java"))) {
      return files.anyMatch(f -> f.getFileName().toString().equals(simpleName + ".java"));
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  private static Set<String> rootModules() {
    Set<String> modules = new LinkedHashSet<>();
    Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Repo.text("pom.xml"));
    while (m.find()) {
      modules.add(m.group(1).trim());
    }
    return modules;
  }
}
