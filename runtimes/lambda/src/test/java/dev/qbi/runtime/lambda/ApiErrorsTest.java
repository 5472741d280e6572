package dev.qbi.runtime.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.qbi.core.error.ForbiddenException;
import dev.qbi.core.error.IngestionException;
import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.error.JobNotFoundException;
import dev.qbi.core.error.PayloadTooLargeException;
import dev.qbi.core.error.StorageException;
import dev.qbi.core.error.UnauthorizedException;
import dev.qbi.core.error.UnsupportedMediaTypeException;
import org.junit.jupiter.api.Test;

class ApiErrorsTest {

  @Test
  void each_failure_kind_has_the_local_servers_status() {
    assertThat(statusOf(new UnauthorizedException("x"))).isEqualTo(401);
    assertThat(statusOf(new ForbiddenException("x"))).isEqualTo(403);
    assertThat(statusOf(new JobNotFoundException("x"))).isEqualTo(404);
    assertThat(statusOf(new PayloadTooLargeException("x"))).isEqualTo(413);
    assertThat(statusOf(new UnsupportedMediaTypeException("x"))).isEqualTo(415);
    assertThat(statusOf(new InvalidRequestException("x"))).isEqualTo(400);
    assertThat(statusOf(new StorageException("x"))).isEqualTo(500);
    assertThat(statusOf(new IngestionException("x"))).isEqualTo(500);
  }

  private static int statusOf(RuntimeException e) {
    return ApiErrors.toResponse("GET /x", e).getStatusCode();
  }

  @Test
  void server_side_failures_hide_their_details() {
    APIGatewayV2HTTPResponse response =
        ApiErrors.toResponse("GET /x", new StorageException("table t on host h failed"));

    assertThat(response.getStatusCode()).isEqualTo(500);
    assertThat(response.getBody()).isEqualTo("{\"message\":\"Internal server error\"}");
  }

  @Test
  void unexpected_exceptions_are_500_without_details() {
    APIGatewayV2HTTPResponse response =
        ApiErrors.toResponse("GET /x", new NullPointerException("secret detail"));

    assertThat(response.getStatusCode()).isEqualTo(500);
    assertThat(response.getBody()).doesNotContain("secret");
  }

  @Test
  void not_found_keeps_the_original_error_body() {
    APIGatewayV2HTTPResponse response =
        ApiErrors.toResponse(
            "GET /x", new JobNotFoundException("No Job data found for Job Id : 1"));

    assertThat(response.getBody())
        .isEqualTo("{\"Error Message\":\"No Job data found for Job Id : 1\"}");
  }
}
