package dev.qbi.core.usecase;

import dev.qbi.core.job.JobId;
import dev.qbi.core.port.JobExecutor;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.port.PayloadStore;
import java.util.Objects;

/**
 * Runs the {@link JobHandler} in this JVM and writes its output under a key derived from the id.
 */
public final class InProcessJobExecutor implements JobExecutor {

  private final JobHandler handler;
  private final PayloadStore payloads;

  public InProcessJobExecutor(JobHandler handler, PayloadStore payloads) {
    this.handler = Objects.requireNonNull(handler, "handler");
    this.payloads = Objects.requireNonNull(payloads, "payloads");
  }

  /** The output key of a job: rewriting it on a redelivery is harmless. */
  public static String outputKey(JobId id) {
    return "jobs/" + id + ".json";
  }

  @Override
  public String execute(JobHandler.Request request) throws Exception {
    JobHandler.Output output = handler.handle(request);
    if (output == null || output.content() == null) {
      throw new IllegalStateException("job handler '" + handler.name() + "' returned no output");
    }
    String key = outputKey(request.jobId());
    payloads.put(key, output.content(), output.contentType());
    return key;
  }
}
