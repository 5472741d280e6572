package dev.qbi.adapters.aws.testing;

import java.net.URI;
import java.util.UUID;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * ElasticMQ (an SQS emulator) in this JVM, bound to 127.0.0.1 on a free port. One instance per JVM
 * ({@link #shared}), stopped when the JVM exits; tests isolate themselves with fresh queues.
 */
public final class LocalSqs {

  private static LocalSqs shared;

  private final SQSRestServer server;
  private final URI endpoint;

  private LocalSqs() {
    server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    int port = server.waitUntilStarted().localAddress().getPort();
    endpoint = URI.create("http://127.0.0.1:" + port);
  }

  /** The JVM's ElasticMQ, started on first use. */
  public static synchronized LocalSqs shared() {
    if (shared == null) {
      LocalSqs started = new LocalSqs();
      Runtime.getRuntime()
          .addShutdownHook(new Thread(started.server::stopAndWait, "elasticmq-stop"));
      shared = started;
    }
    return shared;
  }

  public URI endpoint() {
    return endpoint;
  }

  /** Creates a queue with a unique name starting with {@code prefix}; returns its URL. */
  public String createQueue(SqsClient sqs, String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    return sqs.createQueue(
            b ->
                b.queueName(name)
                    .attributes(java.util.Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "30")))
        .queueUrl();
  }

  /** ElasticMQ keeps real time: a contract's "time passes" is a sleep. */
  public static void sleep(java.time.Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
