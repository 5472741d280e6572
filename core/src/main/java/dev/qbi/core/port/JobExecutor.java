package dev.qbi.core.port;

import dev.qbi.core.port.JobHandler.Request;

/**
 * Runs a job's business logic and stores its output. Locally this calls the {@link JobHandler}
 * in-process; on AWS it synchronously invokes the batch-simulator function, as the original does.
 */
public interface JobExecutor {

  /**
   * @return the payload-store key of the output
   * @throws Exception when the business logic fails
   */
  String execute(Request request) throws Exception;
}
