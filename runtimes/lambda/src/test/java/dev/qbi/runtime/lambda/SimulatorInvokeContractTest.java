package dev.qbi.runtime.lambda;

import dev.qbi.adapters.aws.LambdaInvokeJobExecutor;
import dev.qbi.adapters.aws.S3PayloadStore;
import dev.qbi.adapters.aws.testing.LocalLambda;
import dev.qbi.adapters.aws.testing.LocalS3;
import dev.qbi.core.contract.JobExecutorContract;
import dev.qbi.core.port.JobExecutor;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.usecase.InProcessJobExecutor;
import dev.qbi.runtime.lambda.testing.TestAws;
import dev.qbi.runtime.lambda.testing.TestContext;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The executor contract for what the job processor runs on AWS: {@link LambdaInvokeJobExecutor}
 * over HTTP to a stand-in of Lambda's Invoke API ({@link LocalLambda}) that runs the deployed
 * batch-simulator function's own handler, {@link BatchSimulatorHandler}, in this JVM, writing to
 * S3Mock. Only the business logic is the contract's.
 */
class SimulatorInvokeContractTest extends JobExecutorContract {

  private static final String FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:sim:live";

  private final S3PayloadStore payloads =
      new S3PayloadStore(
          TestAws.emulators().s3(), TestAws.emulators().s3Presigner(), LocalS3.BUCKET);
  private LocalLambda lambda;
  private SdkHttpClient http;

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
    BatchSimulatorHandler simulator =
        new BatchSimulatorHandler(
            new InProcessJobExecutor(handler, payloads), payloads.bucket(), null);
    lambda.deploy(
        FUNCTION,
        (event, answer) -> simulator.handleRequest(event, answer, new TestContext("simulator")));
    return executor(FUNCTION);
  }

  @Override
  protected Optional<byte[]> storedOutput(String key) {
    return payloads.get(key);
  }

  /** The processor names an alias that does not exist: the service answers 404. */
  @Override
  protected JobExecutor createBrokenExecutor(JobHandler handler) {
    createExecutor(handler);
    return executor(FUNCTION.replace(":live", ":gone"));
  }

  private JobExecutor executor(String function) {
    return new LambdaInvokeJobExecutor(
        http,
        StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
        TestAws.REGION,
        lambda.endpoint(),
        function);
  }
}
