package dev.qbi.adapters.aws;

import dev.qbi.core.error.StorageException;
import dev.qbi.core.port.JobExecutor;
import dev.qbi.core.port.JobHandler;
import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * {@link JobExecutor} that synchronously invokes the batch-simulator function ({@code
 * RequestResponse}), as the original's processor does, with a {@link SimulatorProtocol.Request};
 * the function writes the output and answers with its key.
 *
 * <p>A function error becomes a {@link LambdaFunctionException} (the attempt failed); an invoke the
 * SDK could not make becomes a {@link StorageException}. Either way the attempt is retried.
 */
public final class LambdaJobExecutor implements JobExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(LambdaJobExecutor.class);

  private final LambdaClient lambda;
  private final String functionName;

  /**
   * @param functionName the simulator's name, ARN or alias ARN (with SnapStart: the alias)
   */
  public LambdaJobExecutor(LambdaClient lambda, String functionName) {
    this.lambda = Objects.requireNonNull(lambda, "lambda");
    if (functionName == null || functionName.isBlank()) {
      throw new IllegalArgumentException("functionName is required");
    }
    this.functionName = functionName;
  }

  @Override
  public String execute(JobHandler.Request request) throws LambdaFunctionException {
    Objects.requireNonNull(request, "request");
    byte[] payload = SimulatorProtocol.write(SimulatorProtocol.Request.of(request));
    InvokeResponse response;
    try {
      response =
          lambda.invoke(
              b ->
                  b.functionName(functionName)
                      .invocationType(InvocationType.REQUEST_RESPONSE)
                      .payload(SdkBytes.fromByteArray(payload)));
    } catch (SdkException e) {
      throw new StorageException(
          "Lambda Invoke of " + functionName + " failed for job " + request.jobId(), e);
    }
    byte[] answer = response.payload() == null ? new byte[0] : response.payload().asByteArray();
    if (response.functionError() != null) {
      SimulatorProtocol.FunctionError error = parseError(answer);
      LOG.info(
          "job {}: simulator function error {} ({})",
          request.jobId(),
          error.errorType(),
          response.functionError());
      throw new LambdaFunctionException(error.errorType(), error.errorMessage());
    }
    SimulatorProtocol.Response result;
    try {
      result = SimulatorProtocol.readResponse(answer);
    } catch (IOException e) {
      throw new LambdaFunctionException(
          "InvalidResponse", "simulator answered with something that is not its response JSON");
    }
    if (result == null) {
      throw new LambdaFunctionException("InvalidResponse", "simulator answered null");
    }
    if (!SimulatorProtocol.COMPLETE.equals(result.jobStatus())
        || result.jobPayloadKey() == null
        || result.jobPayloadKey().isBlank()) {
      throw new LambdaFunctionException(
          "InvalidResponse",
          "simulator answered jobStatus=" + result.jobStatus() + " without an output key");
    }
    LOG.debug(
        "job {}: simulator request {} wrote {}",
        request.jobId(),
        result.jobRequestId(),
        result.jobPayloadKey());
    return result.jobPayloadKey();
  }

  private static SimulatorProtocol.FunctionError parseError(byte[] answer) {
    try {
      SimulatorProtocol.FunctionError e = SimulatorProtocol.readError(answer);
      if (e == null) {
        return new SimulatorProtocol.FunctionError("FunctionError", "(no error payload)");
      }
      return new SimulatorProtocol.FunctionError(
          e.errorType() == null ? "FunctionError" : e.errorType(),
          e.errorMessage() == null ? "(no message)" : e.errorMessage());
    } catch (IOException notJson) {
      return new SimulatorProtocol.FunctionError("FunctionError", "(unreadable error payload)");
    }
  }
}
