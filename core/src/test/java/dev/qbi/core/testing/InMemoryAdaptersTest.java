package dev.qbi.core.testing;

import dev.qbi.core.contract.JobInboxContract;
import dev.qbi.core.contract.JobSenderContract;
import dev.qbi.core.contract.JobTableContract;
import dev.qbi.core.port.JobQueue;
import dev.qbi.core.port.JobTable;
import org.junit.jupiter.api.Nested;

/**
 * The in-memory fakes the use-case tests rely on meet the same contracts as the SQLite and AWS
 * adapters, so a use case that passes against them behaves the same on every store.
 */
class InMemoryAdaptersTest {

  @Nested
  class QueueSender extends JobSenderContract {
    @Override
    protected JobQueue createQueue(MutableClock clock) {
      return new InMemoryJobQueue(clock);
    }
  }

  @Nested
  class QueueInbox extends JobInboxContract {
    @Override
    protected JobQueue createQueue(MutableClock clock) {
      return new InMemoryJobQueue(clock);
    }
  }

  @Nested
  class Table extends JobTableContract {
    @Override
    protected JobTable createTable(MutableClock clock) {
      return new InMemoryJobTable();
    }
  }
}
