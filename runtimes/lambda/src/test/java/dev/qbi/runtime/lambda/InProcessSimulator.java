package dev.qbi.runtime.lambda;

import dev.qbi.adapters.aws.LambdaFunctionException;
import dev.qbi.adapters.aws.SimulatorProtocol;
import dev.qbi.core.job.JobId;
import dev.qbi.core.port.JobExecutor;
import dev.qbi.core.port.JobHandler;
import dev.qbi.runtime.lambda.testing.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The processor's executor in tests: what the synchronous Lambda invoke does, in process. The
 * request goes through {@link BatchSimulatorHandler}'s stream interface as JSON, an exception
 * becomes a function error, as the Lambda service would report it.
 */
final class InProcessSimulator implements JobExecutor {

  private final BatchSimulatorHandler simulator;
  private final AtomicInteger invocations = new AtomicInteger();
  private final Set<JobId> failing = ConcurrentHashMap.newKeySet();

  InProcessSimulator(BatchSimulatorHandler simulator) {
    this.simulator = simulator;
  }

  /** Invocations so far, failed ones included. */
  int invocations() {
    return invocations.get();
  }

  /** Makes every run of this job fail (the simulator throws). */
  void failAlways(JobId id) {
    failing.add(id);
  }

  /** Lets this job's runs succeed again (the cause of its failures was fixed). */
  void heal(JobId id) {
    failing.remove(id);
  }

  @Override
  public String execute(JobHandler.Request request) throws LambdaFunctionException, IOException {
    invocations.incrementAndGet();
    if (failing.contains(request.jobId())) {
      throw new LambdaFunctionException("java.lang.IllegalStateException", "simulator exploded");
    }
    byte[] json = SimulatorProtocol.write(SimulatorProtocol.Request.of(request));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      simulator.handleRequest(
          new ByteArrayInputStream(json), out, new TestContext("batch-simulator"));
    } catch (RuntimeException e) {
      throw new LambdaFunctionException(e.getClass().getName(), String.valueOf(e.getMessage()));
    }
    return SimulatorProtocol.readResponse(out.toByteArray()).jobPayloadKey();
  }
}
