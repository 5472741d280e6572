package dev.qbi.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The figures of one benchmark run, as a table for people and as one JSON object. */
record BenchReport(
    Machine machine,
    Parameters parameters,
    Submits submits,
    EndToEnd endToEnd,
    Percentiles.Summary latency,
    Idle idle,
    Optional<ProcMemory> memory,
    CpuUse submitCpu,
    CpuUse measuredCpu,
    CostPhase.Costs costs) {

  /** Where it ran. {@code loadAverage} is the 1-minute load before the server was started. */
  record Machine(int cores, String os, String java, long memoryBytes, double loadAverage) {}

  /** What was asked; {@code workers} is empty for the server's default (one per CPU). */
  record Parameters(
      int jobs,
      int concurrency,
      int warmup,
      int idleJobs,
      Optional<Integer> workers,
      List<String> serverOptions,
      List<String> jvmOptions) {}

  /** The measured submit phase: accepted (200) submits per second of its wall time. */
  record Submits(
      int accepted,
      Map<String, Long> errors,
      double seconds,
      double perSecond,
      Percentiles.Summary response) {
    long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** From the first submit to the last completion (the server's {@code updatedAt}). */
  record EndToEnd(int complete, int failed, double seconds, double perSecond) {}

  /** Sequential single jobs on an otherwise idle server. */
  record Idle(int jobs, Percentiles.Summary client, Percentiles.Summary server) {}

  /**
   * CPU time used by the server process and by this (the load generator's) process during a phase,
   * and the phase's wall time: both share the machine's cores.
   */
  record CpuUse(Optional<Duration> server, Optional<Duration> client, double wallSeconds) {}

  /** Submit errors plus jobs that ended {@code failed}. */
  long errors() {
    return submits.errorCount() + endToEnd.failed();
  }

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", machine.cores());
    m.put("os", machine.os());
    m.put("java", machine.java());
    m.put("memoryBytes", machine.memoryBytes() > 0 ? machine.memoryBytes() : null);
    m.put("loadAverageAtStart", machine.loadAverage() >= 0 ? round(machine.loadAverage()) : null);
    json.put("machine", m);

    Map<String, Object> p = new LinkedHashMap<>();
    p.put("jobs", parameters.jobs());
    p.put("concurrency", parameters.concurrency());
    p.put("warmup", parameters.warmup());
    p.put("idleJobs", parameters.idleJobs());
    p.put("workers", parameters.workers().orElse(null));
    p.put("serverOptions", parameters.serverOptions());
    p.put("jvmOptions", parameters.jvmOptions());
    json.put("parameters", p);

    Map<String, Object> s = new LinkedHashMap<>();
    s.put("accepted", submits.accepted());
    s.put("errors", submits.errorCount());
    s.put("errorKinds", submits.errors());
    s.put("seconds", round(submits.seconds()));
    s.put("perSecond", round(submits.perSecond()));
    s.put("responseMs", percentiles(submits.response()));
    json.put("submits", s);

    Map<String, Object> e = new LinkedHashMap<>();
    e.put("complete", endToEnd.complete());
    e.put("failed", endToEnd.failed());
    e.put("seconds", round(endToEnd.seconds()));
    e.put("perSecond", round(endToEnd.perSecond()));
    json.put("endToEnd", e);

    json.put("latencyMs", percentiles(latency));

    Map<String, Object> i = new LinkedHashMap<>();
    i.put("jobs", idle.jobs());
    i.put("clientMs", percentiles(idle.client()));
    i.put("serverMs", percentiles(idle.server()));
    json.put("idleLatencyMs", i);

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("rssBytes", memory.map(ProcMemory::rssBytes).orElse(null));
    r.put("peakRssBytes", memory.map(ProcMemory::peakRssBytes).orElse(null));
    json.put("serverMemory", r);

    json.put("cpuSubmitPhase", cpuJson(submitCpu));
    json.put("cpuMeasuredPhase", cpuJson(measuredCpu));
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("intakeJobs", costs.intakeJobs());
    c.put("intakeCpuMsPerJob", costs.intakeMsPerJob().map(BenchReport::round).orElse(null));
    c.put("processedJobs", costs.processedJobs());
    c.put("processingCpuMsPerJob", costs.processingMsPerJob().map(BenchReport::round).orElse(null));
    c.put("connections", costs.connections());
    c.put("staticRoutePerSecond", round(costs.staticPerSecond()));
    c.put("submitRoutePerSecond", round(costs.submitPerSecond()));
    c.put("submitToStaticRatio", round(costs.ratio()));
    json.put("costs", c);

    json.put("errors", errors());
    return json;
  }

  private static Map<String, Object> cpuJson(CpuUse cpu) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("serverSeconds", cpu.server().map(d -> round(seconds(d))).orElse(null));
    json.put("clientSeconds", cpu.client().map(d -> round(seconds(d))).orElse(null));
    json.put("wallSeconds", round(cpu.wallSeconds()));
    return json;
  }

  private static Map<String, Object> percentiles(Percentiles.Summary summary) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("count", summary.count());
    json.put("p50", round(summary.p50Ms()));
    json.put("p90", round(summary.p90Ms()));
    json.put("p99", round(summary.p99Ms()));
    json.put("max", round(summary.maxMs()));
    return json;
  }

  /** The human-readable table. */
  String toTable() {
    StringBuilder t = new StringBuilder();
    t.append("queue-based ingestion: local runtime benchmark\n\n");
    row(
        t,
        "machine",
        machine.cores()
            + " cores, "
            + machine.os()
            + (machine.memoryBytes() > 0 ? ", " + mib(machine.memoryBytes()) + " RAM" : "")
            + ", Java "
            + machine.java());
    row(
        t,
        "load average before the run",
        machine.loadAverage() >= 0 ? format("%.2f", machine.loadAverage()) : "n/a");
    row(
        t,
        "parameters",
        parameters.jobs()
            + " jobs, "
            + parameters.concurrency()
            + " concurrent clients, "
            + parameters.warmup()
            + " warm-up jobs, workers "
            + parameters.workers().map(String::valueOf).orElse("default (one per CPU)"));
    if (!parameters.serverOptions().isEmpty() || !parameters.jvmOptions().isEmpty()) {
      row(
          t,
          "server options",
          String.join(
              " ",
              java.util.stream.Stream.concat(
                      parameters.jvmOptions().stream(), parameters.serverOptions().stream())
                  .toList()));
    }
    t.append('\n');
    row(
        t,
        "submits/s (authenticated, durable)",
        format(
            "%,.0f   (%,d accepted in %.2f s; response p50 %s, p99 %s)",
            submits.perSecond(),
            submits.accepted(),
            submits.seconds(),
            ms(submits.response().p50Ms()),
            ms(submits.response().p99Ms())));
    row(
        t,
        "completed jobs/s (end to end)",
        format(
            "%,.0f   (%,d complete, first submit to last completion %.2f s)",
            endToEnd.perSecond(), endToEnd.complete(), endToEnd.seconds()));
    row(
        t,
        "submit->complete under load",
        "p50 "
            + ms(latency.p50Ms())
            + ", p90 "
            + ms(latency.p90Ms())
            + ", p99 "
            + ms(latency.p99Ms())
            + ", max "
            + ms(latency.maxMs()));
    row(
        t,
        "submit->complete on an idle server",
        "p50 "
            + ms(idle.client().p50Ms())
            + ", p99 "
            + ms(idle.client().p99Ms())
            + "   ("
            + idle.jobs()
            + " sequential jobs, client-side; server-side p50 "
            + ms(idle.server().p50Ms())
            + ")");
    row(
        t,
        "server RSS now / peak",
        memory.map(mem -> mib(mem.rssBytes()) + " / " + mib(mem.peakRssBytes())).orElse("n/a"));
    row(t, "CPU, submit phase", cpuText(submitCpu));
    row(t, "CPU, submit to last completion", cpuText(measuredCpu));
    row(
        t,
        "server CPU per job, intake only",
        costs.intakeMsPerJob().map(ms -> format("%.3f ms", ms)).orElse("n/a")
            + format(
                "   (%,d submits with the workers paused, %,.0f/s)",
                costs.intakeJobs(), costs.intakeJobs() / Math.max(1e-9, costs.intakeSeconds())));
    row(
        t,
        "server CPU per job, processing only",
        costs.processingMsPerJob().map(ms -> format("%.3f ms", ms)).orElse("n/a")
            + format(
                "   (%,d queued jobs drained, %,.0f/s)",
                costs.processedJobs(),
                costs.processedJobs() / Math.max(1e-9, costs.processingSeconds())));
    row(
        t,
        "submit route vs static route",
        format(
            "%,.0f vs %,.0f req/s = %.0f%%   (%d connections, GET %s)",
            costs.submitPerSecond(),
            costs.staticPerSecond(),
            100 * costs.ratio(),
            costs.connections(),
            CostPhase.STATIC_ROUTE));
    row(
        t,
        "errors",
        submits.errorCount()
            + " submit error(s)"
            + (submits.errors().isEmpty() ? "" : " " + submits.errors())
            + ", "
            + endToEnd.failed()
            + " failed job(s)");
    return t.toString();
  }

  private String cpuText(CpuUse cpu) {
    if (cpu.server().isEmpty() || cpu.client().isEmpty()) {
      return "n/a";
    }
    double server = seconds(cpu.server().get());
    double client = seconds(cpu.client().get());
    double capacity = Math.max(1e-9, cpu.wallSeconds() * machine.cores());
    return format(
        "server %.1f s + bench client %.1f s in %.1f s = %.0f%% + %.0f%% of %d cores",
        server,
        client,
        cpu.wallSeconds(),
        100 * server / capacity,
        100 * client / capacity,
        machine.cores());
  }

  private static void row(StringBuilder t, String label, String value) {
    t.append(format("  %-36s %s%n", label, value));
  }

  private static String ms(double millis) {
    return millis < 10 ? format("%.2f ms", millis) : format("%,.0f ms", millis);
  }

  private static String mib(long bytes) {
    return format("%,.0f MiB", bytes / (1024.0 * 1024.0));
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
