package dev.qbi.core.usecase;

import dev.qbi.core.contract.JobExecutorContract;
import dev.qbi.core.error.StorageException;
import dev.qbi.core.port.JobExecutor;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.port.PayloadStore;
import dev.qbi.core.testing.InMemoryPayloadStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** The executor contract for the handler called in this JVM, writing to an in-memory store. */
class InProcessJobExecutorTest extends JobExecutorContract {

  private final InMemoryPayloadStore payloads = new InMemoryPayloadStore(Clock.systemUTC());

  @Override
  protected JobExecutor createExecutor(JobHandler handler) {
    return new InProcessJobExecutor(handler, payloads);
  }

  @Override
  protected Optional<byte[]> storedOutput(String key) {
    return payloads.get(key);
  }

  /** The in-process transport is the store: one that refuses every write. */
  @Override
  protected JobExecutor createBrokenExecutor(JobHandler handler) {
    return new InProcessJobExecutor(
        handler,
        new PayloadStore() {
          @Override
          public void put(String key, byte[] content, String contentType) {
            throw new StorageException("disk full");
          }

          @Override
          public Optional<byte[]> get(String key) {
            return Optional.empty();
          }

          @Override
          public URI presign(String key, Duration ttl) {
            throw new UnsupportedOperationException();
          }
        });
  }
}
