package dev.qbi.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.adapters.aws.testing.TestAws;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class AwsClientsTest {

  @Test
  void each_client_is_built_once() {
    try (AwsClients aws = TestAws.clients().endpoint(URI.create("http://127.0.0.1:1")).build()) {
      assertThat(aws.sqs()).isSameAs(aws.sqs());
      assertThat(aws.dynamoDb()).isSameAs(aws.dynamoDb());
      assertThat(aws.s3()).isSameAs(aws.s3());
      assertThat(aws.s3Presigner()).isSameAs(aws.s3Presigner());
      assertThat(aws.region()).isEqualTo(TestAws.REGION);
    }
  }

  @Test
  void a_closed_instance_builds_no_more_clients() {
    AwsClients aws = TestAws.clients().build();
    aws.close();

    assertThatThrownBy(aws::sqs).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void per_service_endpoint_wins_over_the_shared_one() {
    try (AwsClients aws =
        TestAws.clients()
            .endpoint(URI.create("http://127.0.0.1:1"))
            .s3Endpoint(URI.create("http://127.0.0.1:2"))
            .build()) {
      URI link =
          new S3PayloadStore(aws.s3(), aws.s3Presigner(), "b")
              .presign("k.json", Duration.ofMinutes(1));

      assertThat(link.getPort()).isEqualTo(2);
      assertThat(link.getRawPath()).isEqualTo("/b/k.json");
    }
  }

  @Test
  void region_is_required() {
    assertThatThrownBy(() -> AwsClients.builder().build())
        .isInstanceOf(IllegalStateException.class);
    assertThat(AwsClients.builder().region(Region.EU_WEST_1).build().region())
        .isEqualTo(Region.EU_WEST_1);
  }
}
