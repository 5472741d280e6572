package dev.qbi.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.StubServer.Answer;
import java.io.IOException;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Cognito protocol client against stub answers: what it sends, what it reads, errors. */
class CognitoClientTest {
  static final ObjectMapper JSON = new ObjectMapper();

  StubServer stub;
  CognitoClient cognito;

  void serve(Function<StubServer.Request, Answer> answers) throws IOException {
    stub = StubServer.start(answers);
    // without the trailing slash, as users type it
    cognito = new CognitoClient(stub.base().toString());
  }

  @AfterEach
  void stop() {
    if (cognito != null) {
      cognito.close();
    }
    if (stub != null) {
      stub.close();
    }
  }

  static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }

  @Test
  void sign_up_posts_the_action_in_the_cognito_json_protocol() throws Exception {
    serve(r -> Answer.json(200, "{\"UserConfirmed\":false,\"UserSub\":\"sub-1\"}"));

    CognitoClient.SignUpResult result =
        cognito.signUp("client-1", "ann", "Pa55-word!", Map.of("email", "ann@example.com"));

    assertThat(result.userSub()).isEqualTo("sub-1");
    assertThat(result.userConfirmed()).isFalse();
    StubServer.Request sent = stub.only();
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.pathAndQuery()).isEqualTo("/");
    assertThat(sent.header("X-Amz-Target")).hasValue("AWSCognitoIdentityProviderService.SignUp");
    assertThat(sent.header("Content-Type")).hasValue("application/x-amz-json-1.1");
    assertThat(json(sent.bodyText()))
        .isEqualTo(
            json(
                "{\"ClientId\":\"client-1\",\"Username\":\"ann\",\"Password\":\"Pa55-word!\","
                    + "\"UserAttributes\":[{\"Name\":\"email\",\"Value\":\"ann@example.com\"}]}"));
  }

  @Test
  void sign_up_without_attributes_sends_none() throws Exception {
    serve(r -> Answer.json(200, "{\"UserConfirmed\":true,\"UserSub\":\"sub-2\"}"));

    assertThat(cognito.signUp("c", "bob", "pw", Map.of()).userConfirmed()).isTrue();
    assertThat(json(stub.only().bodyText()).has("UserAttributes")).isFalse();
  }

  @Test
  void confirm_and_admin_actions_send_their_fields() throws Exception {
    serve(r -> Answer.json(200, "{}"));

    cognito.confirmSignUp("client-1", "ann", "123456");
    cognito.adminConfirmSignUp("pool-1", "ann");
    cognito.adminDeleteUser("pool-1", "ann");

    assertThat(stub.requests)
        .extracting(r -> r.header("X-Amz-Target").orElseThrow())
        .containsExactly(
            "AWSCognitoIdentityProviderService.ConfirmSignUp",
            "AWSCognitoIdentityProviderService.AdminConfirmSignUp",
            "AWSCognitoIdentityProviderService.AdminDeleteUser");
    assertThat(json(stub.requests.get(0).bodyText()))
        .isEqualTo(
            json(
                "{\"ClientId\":\"client-1\",\"Username\":\"ann\",\"ConfirmationCode\":\"123456\"}"));
    assertThat(json(stub.requests.get(1).bodyText()))
        .isEqualTo(json("{\"UserPoolId\":\"pool-1\",\"Username\":\"ann\"}"));
  }

  @Test
  void initiate_auth_with_user_password_returns_the_tokens() throws Exception {
    serve(
        r ->
            Answer.json(
                200,
                "{\"ChallengeParameters\":{},\"AuthenticationResult\":{\"AccessToken\":\"acc\","
                    + "\"ExpiresIn\":3600,\"TokenType\":\"Bearer\",\"RefreshToken\":\"ref\","
                    + "\"IdToken\":\"id-token\"}}"));

    CognitoClient.AuthResult result = cognito.initiateAuth("client-1", "ann", "pw");
    String idToken = cognito.login("client-1", "ann", "pw");

    assertThat(result.challengeName()).isEmpty();
    CognitoClient.Tokens tokens = result.tokens().orElseThrow();
    assertThat(tokens.idToken()).isEqualTo("id-token");
    assertThat(tokens.accessToken()).isEqualTo("acc");
    assertThat(tokens.refreshToken()).hasValue("ref");
    assertThat(tokens.expiresIn()).isEqualTo(3600);
    assertThat(tokens.tokenType()).isEqualTo("Bearer");
    assertThat(tokens.toString()).doesNotContain("id-token").doesNotContain("acc\"");
    assertThat(idToken).isEqualTo("id-token");
    assertThat(json(stub.requests.getFirst().bodyText()))
        .isEqualTo(
            json(
                "{\"ClientId\":\"client-1\",\"AuthFlow\":\"USER_PASSWORD_AUTH\","
                    + "\"AuthParameters\":{\"USERNAME\":\"ann\",\"PASSWORD\":\"pw\"}}"));
  }

  @Test
  void a_challenge_instead_of_tokens_is_reported_and_login_refuses_it() throws Exception {
    serve(r -> Answer.json(200, "{\"ChallengeName\":\"NEW_PASSWORD_REQUIRED\",\"Session\":\"s\"}"));

    CognitoClient.AuthResult result = cognito.initiateAuth("c", "ann", "pw");

    assertThat(result.tokens()).isEmpty();
    assertThat(result.challengeName()).hasValue("NEW_PASSWORD_REQUIRED");
    assertThatThrownBy(() -> cognito.login("c", "ann", "pw"))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(ApiException.class)
        .hasMessageContaining("challenge: NEW_PASSWORD_REQUIRED");
  }

  @Test
  void an_error_answer_is_a_cognito_exception_with_the_type_without_namespace() throws Exception {
    String body =
        "{\"__type\":\"com.amazonaws.cognito#NotAuthorizedException\","
            + "\"message\":\"Incorrect username or password.\"}";
    serve(r -> Answer.text(400, "application/x-amz-json-1.1", body));

    assertThatThrownBy(() -> cognito.login("c", "ann", "wrong"))
        .isInstanceOfSatisfying(
            CognitoException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.body()).isEqualTo(body);
              assertThat(e.errorType()).isEqualTo("NotAuthorizedException");
              assertThat(e.errorMessage()).isEqualTo("Incorrect username or password.");
              assertThat(e).hasToString("NotAuthorizedException: Incorrect username or password.");
            });
  }

  @Test
  void without_a_type_in_the_body_the_error_type_header_names_the_error() throws Exception {
    serve(
        r ->
            Answer.empty(
                400,
                Map.of(
                    "x-amzn-ErrorType",
                    "UserNotFoundException:http://internal.amazon.com/coral/com.amazon/")));

    assertThatThrownBy(() -> cognito.adminDeleteUser("p", "gone"))
        .isInstanceOfSatisfying(
            CognitoException.class,
            e -> {
              assertThat(e.errorType()).isEqualTo("UserNotFoundException");
              assertThat(e.errorMessage()).isEmpty();
            });
  }

  @Test
  void an_error_answer_that_is_not_json_is_an_api_exception_with_its_status() throws Exception {
    serve(r -> Answer.text(404, "text/plain", "Not Found"));

    assertThatThrownBy(() -> cognito.call("SignUp", CognitoClient.body()))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e).isNotInstanceOf(CognitoException.class);
              assertThat(e.statusCode()).isEqualTo(404);
              assertThat(e.body()).isEqualTo("Not Found");
            });
  }

  @Test
  void a_200_that_is_not_json_is_an_io_error() throws Exception {
    serve(r -> Answer.text(200, "text/html", "<html>proxy</html>"));

    assertThatThrownBy(() -> cognito.call("GetUser", CognitoClient.body()))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(ApiException.class)
        .hasMessageContaining("not JSON");
  }

  @Test
  void the_endpoint_must_be_an_http_url() {
    assertThatThrownBy(() -> new CognitoClient("cognito-idp.eu-west-1.amazonaws.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http(s)");
    try (CognitoClient aws = new CognitoClient("https://cognito-idp.eu-west-1.amazonaws.com")) {
      assertThat(aws.endpoint().toString())
          .isEqualTo("https://cognito-idp.eu-west-1.amazonaws.com/");
    }
  }

  @Test
  void with_credentials_every_call_is_signed_for_cognito_idp() throws Exception {
    stub = StubServer.start(r -> Answer.json(200, "{}"));
    cognito =
        new CognitoClient(stub.base().toString(), new AwsCredentials("AKIDLOCAL", "secret-1"));

    cognito.adminConfirmSignUp("pool-1", "ann");

    StubServer.Request sent = stub.only();
    assertThat(sent.header("Authorization").orElseThrow())
        .matches(
            "AWS4-HMAC-SHA256 Credential=AKIDLOCAL/\\d{8}/us-east-1/cognito-idp/aws4_request,"
                + " SignedHeaders=content-type;host;x-amz-date;x-amz-target,"
                + " Signature=[0-9a-f]{64}");
    assertThat(sent.header("X-Amz-Date").orElseThrow()).matches("\\d{8}T\\d{6}Z");
    assertThat(sent.header("X-Amz-Target"))
        .hasValue("AWSCognitoIdentityProviderService.AdminConfirmSignUp");
  }

  @Test
  void without_credentials_nothing_is_signed() throws Exception {
    serve(r -> Answer.json(200, "{}"));

    cognito.adminDeleteUser("pool-1", "ann");

    assertThat(stub.only().header("Authorization")).isEmpty();
  }

  @Test
  void the_signing_region_is_the_endpoints_own_on_aws() {
    assertThat(
            CognitoClient.signingRegion(
                java.net.URI.create("https://cognito-idp.eu-west-1.amazonaws.com/")))
        .isEqualTo("eu-west-1");
    assertThat(CognitoClient.signingRegion(java.net.URI.create("http://127.0.0.1:8080/")))
        .isEqualTo("us-east-1");
  }
}
