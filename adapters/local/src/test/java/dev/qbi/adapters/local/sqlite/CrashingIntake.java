package dev.qbi.adapters.local.sqlite;

import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Run in a child JVM by {@link KillNineTest}: accepts jobs from many threads as fast as it can and
 * prints {@code ok <job id>} after each accept returns, until it is killed.
 */
public final class CrashingIntake {

  private CrashingIntake() {}

  public static void main(String[] args) {
    Path file = Path.of(args[0]);
    Clock clock = Clock.systemUTC();
    SqliteDatabase db = SqliteDatabase.open(file, clock);
    SqliteJobQueue queue = new SqliteJobQueue(db);
    SqliteJobIntake intake = new SqliteJobIntake(db, queue);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println("ready");
    for (int t = 0; t < 16; t++) {
      Thread.ofPlatform()
          .start(
              () -> {
                while (true) {
                  Job job =
                      Job.submitted(JobId.random(), new Owner("crash"), "md5", clock.instant());
                  intake.accept(
                      job,
                      new JobMessage(
                          job.id(),
                          job.owner(),
                          "{\"x\":1}".getBytes(StandardCharsets.UTF_8),
                          clock.instant()));
                  synchronized (out) {
                    out.println("ok " + job.id());
                  }
                }
              });
    }
  }
}
