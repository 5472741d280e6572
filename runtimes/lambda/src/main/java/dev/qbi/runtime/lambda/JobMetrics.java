package dev.qbi.runtime.lambda;

import dev.qbi.core.usecase.ProcessJob;

/** What the job processor counts per invocation (EMF on Lambda). */
interface JobMetrics {

  /** One message's outcome; {@code null} when its processing threw unexpectedly. */
  void record(ProcessJob.Outcome outcome);

  /** Publishes the invocation's counts and starts over. */
  void flush();

  /** Counts nothing (tests that do not look at metrics). */
  JobMetrics NONE =
      new JobMetrics() {
        @Override
        public void record(ProcessJob.Outcome outcome) {}

        @Override
        public void flush() {}
      };
}
