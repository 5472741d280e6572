package dev.qbi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** cognito.yaml, the shared Cognito stack, and how template.yaml imports it. */
class CognitoStackTest {

  private final Map<String, Object> cognito = Repo.cognito();
  private final SamTemplate template = Repo.template();

  private Map<String, Object> properties(String logicalId) {
    return Cfn.mapAt(cognito, "Resources", logicalId, "Properties");
  }

  private String type(String logicalId) {
    return (String) Cfn.at(cognito, "Resources", logicalId, "Type");
  }

  @Test
  void users_sign_in_with_their_verified_email_address() {
    assertThat(type("UserPool")).isEqualTo("AWS::Cognito::UserPool");
    Map<String, Object> pool = properties("UserPool");
    assertThat(pool.get("UsernameAttributes")).isEqualTo(List.of("email"));
    assertThat(pool.get("AutoVerifiedAttributes")).isEqualTo(List.of("email"));
    // the original's sign-up command passes Name="name": the attribute must exist
    assertThat(Cfn.list(pool.get("Schema")).stream().map(a -> Cfn.map(a).get("Name")))
        .contains("email", "name");
  }

  @Test
  void password_policy_requires_length_and_every_character_class() {
    Map<String, Object> policy = Cfn.mapAt(properties("UserPool"), "Policies", "PasswordPolicy");
    assertThat(Cfn.integer(policy.get("MinimumLength"))).isGreaterThanOrEqualTo(8);
    for (String rule :
        List.of("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols")) {
      assertThat(policy.get(rule)).as(rule).isEqualTo(true);
    }
  }

  @Test
  void cli_client_allows_password_srp_and_refresh_flows_without_a_secret() {
    assertThat(type("UserPoolClient")).isEqualTo("AWS::Cognito::UserPoolClient");
    Map<String, Object> client = properties("UserPoolClient");
    assertThat(client.get("ExplicitAuthFlows"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .containsExactlyInAnyOrder(
            "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH");
    assertThat(client.get("GenerateSecret")).isEqualTo(false);
    assertThat(client.get("UserPoolId")).isEqualTo(Map.of("Ref", "UserPool"));
  }

  @Test
  void client_does_not_reveal_whether_a_user_exists() {
    assertThat(properties("UserPoolClient").get("PreventUserExistenceErrors")).isEqualTo("ENABLED");
  }

  @Test
  void pool_has_a_hosted_ui_domain_and_an_administrators_group() {
    assertThat(type("UserPoolDomain")).isEqualTo("AWS::Cognito::UserPoolDomain");
    assertThat(properties("UserPoolDomain").get("UserPoolId")).isEqualTo(Map.of("Ref", "UserPool"));
    List<String> groups =
        Cfn.mapAt(cognito, "Resources").entrySet().stream()
            .filter(e -> "AWS::Cognito::UserPoolGroup".equals(Cfn.map(e.getValue()).get("Type")))
            .map(Map.Entry::getKey)
            .toList();
    assertThat(groups).hasSize(1);
    assertThat(properties(groups.get(0)).get("UserPoolId")).isEqualTo(Map.of("Ref", "UserPool"));
  }

  @Test
  void the_stack_exports_pool_client_arn_login_url_and_auth_command() {
    assertThat(exportedSuffixes())
        .contains(
            "-UserPool",
            "-UserPoolArn",
            "-UserPoolClient",
            "-CognitoLoginURL",
            "-CognitoAuthCommand");
    assertThat(Cfn.at(cognito, "Outputs", "CognitoAuthCommand", "Value").toString())
        .contains("initiate-auth --auth-flow USER_PASSWORD_AUTH --client-id ${UserPoolClient}");
  }

  /** Suffixes of the export names, all of the form ${AWS::StackName}-Suffix. */
  private Set<String> exportedSuffixes() {
    Set<String> suffixes = new LinkedHashSet<>();
    for (Object output : Cfn.mapAt(cognito, "Outputs").values()) {
      Object name = Cfn.at(output, "Export", "Name");
      if (name != null) {
        String sub = Cfn.describe(name);
        assertThat(sub).startsWith("${AWS::StackName}-");
        suffixes.add(sub.substring("${AWS::StackName}".length()));
      }
    }
    return suffixes;
  }

  @Test
  void every_import_of_the_template_is_an_export_of_the_cognito_stack() {
    Set<String> imported = new LinkedHashSet<>();
    for (Object node : Cfn.allNodes(template.root())) {
      if (node instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("Fn::ImportValue")) {
        String name = Cfn.describe(m.get("Fn::ImportValue"));
        assertThat(name).startsWith("${CognitoStackName}-");
        imported.add(name.substring("${CognitoStackName}".length()));
      }
    }
    assertThat(imported).contains("-UserPool", "-UserPoolClient");
    assertThat(exportedSuffixes()).containsAll(imported);
    assertThat(Cfn.at(template.root(), "Parameters", "CognitoStackName", "Type"))
        .isEqualTo("String");
  }
}
