package dev.qbi.runtime.lambda;

import dev.qbi.core.job.Decision;

/** What the job processor counts per invocation (EMF on Lambda). */
interface JobMetrics {

  /** One message's decision; {@code null} when its processing threw unexpectedly. */
  void record(Decision decision);

  /** Messages of the batch that were not started because the invocation was near its end. */
  void deferred(int messages);

  /** Publishes the invocation's counts and starts over. */
  void flush();

  /** Counts nothing (tests that do not look at metrics). */
  JobMetrics NONE =
      new JobMetrics() {
        @Override
        public void record(Decision decision) {}

        @Override
        public void deferred(int messages) {}

        @Override
        public void flush() {}
      };
}
