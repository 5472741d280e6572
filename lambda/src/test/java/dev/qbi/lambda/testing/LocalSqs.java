package dev.qbi.lambda.testing;

import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** ElasticMQ (SQS emulator) in this JVM on 127.0.0.1, one per JVM, stopped at exit. */
public final class LocalSqs {

  private static LocalSqs shared;

  private final SQSRestServer server;
  private final URI endpoint;

  private LocalSqs() {
    server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    endpoint = URI.create("http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort());
  }

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

  /** A fresh queue named {@code prefix-<random>}; its URL. */
  public static String createQueue(SqsClient sqs, String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    return sqs.createQueue(
            b -> b.queueName(name).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "30")))
        .queueUrl();
  }
}
