package dev.qbi.runtime.local.worker;

import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.port.JobInbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The inbox as the {@link dev.qbi.core.usecase.LeaseKeeper} sees it: every lease extension is
 * counted ({@code ingest.leases.extensions}, tagged {@code result=extended} or {@code lost} when
 * the receipt was stale), so an operator sees long jobs being kept and leases being lost.
 */
public final class MeteredLeases implements JobInbox {

  private final JobInbox inbox;
  private final Counter extended;
  private final Counter lost;

  public MeteredLeases(JobInbox inbox, MeterRegistry registry) {
    this.inbox = Objects.requireNonNull(inbox, "inbox");
    this.extended = counter(registry, "extended");
    this.lost = counter(registry, "lost");
  }

  private static Counter counter(MeterRegistry registry, String result) {
    return Counter.builder("ingest.leases.extensions")
        .description("Lease extensions of running jobs, by result")
        .tag("result", result)
        .register(registry);
  }

  @Override
  public List<Delivery> receive(int max, Duration visibility, Duration wait)
      throws InterruptedException {
    return inbox.receive(max, visibility, wait);
  }

  @Override
  public boolean settle(Delivery delivery, Decision decision) {
    return inbox.settle(delivery, decision);
  }

  @Override
  public boolean extendLease(Delivery delivery, Duration visibility) {
    boolean ok = inbox.extendLease(delivery, visibility);
    (ok ? extended : lost).increment();
    return ok;
  }

  @Override
  public long depth() {
    return inbox.depth();
  }
}
