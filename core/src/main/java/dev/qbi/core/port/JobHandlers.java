package dev.qbi.core.port;

import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds {@link JobHandler} implementations on the class path with {@link ServiceLoader}. */
public final class JobHandlers {

  private JobHandlers() {}

  public static List<JobHandler> available() {
    return ServiceLoader.load(JobHandler.class).stream()
        .map(ServiceLoader.Provider::get)
        .collect(Collectors.toList());
  }

  /**
   * @throws IllegalArgumentException naming the available handlers when none has this name
   */
  public static JobHandler named(String name) {
    List<JobHandler> all = available();
    return all.stream()
        .filter(h -> h.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no job handler named '"
                        + name
                        + "'; available: "
                        + all.stream().map(JobHandler::name).collect(Collectors.joining(", "))));
  }
}
