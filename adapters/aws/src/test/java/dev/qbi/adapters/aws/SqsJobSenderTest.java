package dev.qbi.adapters.aws;

import dev.qbi.adapters.aws.testing.LocalSqs;
import dev.qbi.adapters.aws.testing.TestAws;
import dev.qbi.core.contract.JobSenderContract;
import dev.qbi.core.port.JobQueue;
import dev.qbi.core.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** The sender contract against ElasticMQ. */
@Execution(ExecutionMode.CONCURRENT)
class SqsJobSenderTest extends JobSenderContract {

  private static AwsClients aws;

  @BeforeAll
  static void startElasticMq() {
    aws = TestAws.clients().sqsEndpoint(LocalSqs.shared().endpoint()).build();
  }

  @AfterAll
  static void closeClients() {
    aws.close();
  }

  @Override
  protected JobQueue createQueue(MutableClock clock) {
    return new SqsJobQueue(
        aws.sqs(),
        LocalSqs.shared().createQueue(aws.sqs(), "send"),
        LocalSqs.shared().createQueue(aws.sqs(), "send-dlq"));
  }

  @Override
  protected void letTimePass(Duration d) {
    LocalSqs.sleep(d);
  }
}
