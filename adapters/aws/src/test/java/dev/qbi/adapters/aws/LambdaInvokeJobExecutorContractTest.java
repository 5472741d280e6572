package dev.qbi.adapters.aws;

import dev.qbi.adapters.aws.testing.LocalLambda;
import dev.qbi.adapters.aws.testing.LocalS3;
import dev.qbi.adapters.aws.testing.TestAws;
import dev.qbi.core.contract.JobExecutorContract;
import dev.qbi.core.port.JobExecutor;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.usecase.InProcessJobExecutor;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The executor contract for the Invoke executor, over real HTTP: {@link LocalLambda} stands in for
 * Lambda's Invoke API (checking the signature) and runs a batch-simulator function in this JVM that
 * does what the deployed one does (read the {@link SimulatorProtocol.Request}, run the business
 * logic, write the output to S3, answer with the key), with S3Mock as the bucket. The Lambda
 * runtime's tests run the same contract through the deployed function's own handler.
 */
class LambdaInvokeJobExecutorContractTest extends JobExecutorContract {

  private static final String FUNCTION = "qbi-batch-simulator";

  private static AwsClients aws;
  private static S3PayloadStore payloads;
  private LocalLambda lambda;
  private SdkHttpClient http;

  @BeforeAll
  static void startS3() {
    aws = TestAws.clients().s3Endpoint(LocalS3.shared().endpoint()).build();
    payloads = new S3PayloadStore(aws.s3(), aws.s3Presigner(), LocalS3.BUCKET);
  }

  @AfterAll
  static void closeClients() {
    aws.close();
  }

  @BeforeEach
  void startLambda() {
    lambda = LocalLambda.start();
    http = UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)).build();
  }

  @AfterEach
  void stopLambda() {
    lambda.close();
    http.close();
  }

  @Override
  protected JobExecutor createExecutor(JobHandler handler) {
    InProcessJobExecutor logic = new InProcessJobExecutor(handler, payloads);
    lambda.deploy(
        FUNCTION,
        (event, answer) -> {
          String key = logic.execute(SimulatorProtocol.readRequest(event).toJobRequest());
          SimulatorProtocol.write(
              SimulatorProtocol.Response.complete(
                  "s3://" + payloads.bucket() + "/" + key, key, UUID.randomUUID().toString()),
              answer);
        });
    return executor(FUNCTION);
  }

  @Override
  protected Optional<byte[]> storedOutput(String key) {
    return payloads.get(key);
  }

  /** A function that was never deployed (or was deleted): the service answers 404. */
  @Override
  protected JobExecutor createBrokenExecutor(JobHandler handler) {
    createExecutor(handler);
    return executor(FUNCTION + "-deleted");
  }

  private JobExecutor executor(String function) {
    return new LambdaInvokeJobExecutor(
        http,
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(TestAws.ACCESS_KEY, TestAws.SECRET)),
        TestAws.REGION,
        lambda.endpoint(),
        function);
  }
}
