package dev.reach.cli.drill;

import static dev.reach.cli.drill.Runs.attempt;
import static dev.reach.cli.drill.Runs.job;
import static dev.reach.cli.drill.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flock stamps of the probe jobs against what Reach says of their attempts: no attempt found its job's
 * lock held, an attempt that began while an earlier one had not ended is only fine when Reach counts the
 * earlier one LOST, a succeeded job's last attempt stamped its end, every probe job stamped at all.
 */
class StampCheckTest {
  private static final String RUN = "11111111-1111-4111-8111-111111111111";
  private static final String RUN2 = "22222222-2222-4222-8222-222222222222";

  private final DrillWorkload workload = Runs.workload();
  private final List<Process> started = new ArrayList<>();

  @TempDir Path jobDir;

  @AfterEach
  void killProbes() {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  /** Runs the probe job's command as a runner does ({@code bash -c}, {@code REACH_ATTEMPT} set). */
  private Process probe(String key, int attempt, int seconds) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", ProbeJob.command(jobDir.toString(), key, seconds))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("REACH_ATTEMPT", Integer.toString(attempt));
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private static String stamps(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  @Test
  void cleanSequentialAttemptsPass() {
    workload.accepted(RUN, "D-s0", 2, false);
    List<JsonObject> runs = List.of(run(RUN, "D-s0",
        job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", 0, 3)),
        job("j1", "SUCCEEDED", attempt(1, "LOST", "r1", 0, 5), attempt(2, "SUCCEEDED", "r2", 6, 9))));
    String stamps = stamps(
        "D-s0-j0 start 1 1000", "D-s0-j0 end 1 3000",
        "D-s0-j1 start 1 1000", "D-s0-j1 end 1 4000", // its runner was lost after the end, before the report
        "D-s0-j1 start 2 6000", "D-s0-j1 end 2 9000");

    Check c = StampCheck.check(stamps, runs, workload, null);

    assertThat(c.ok()).as(c.detail()).isTrue();
    assertThat(c.name()).isEqualTo("no two attempts of a job at once");
    assertThat(c.detail()).startsWith("2 jobs' flock stamps: no overlap; 0 attempt(s) killed");
  }

  @Test
  void stampsAreOrderedByTheirTimeNotByTheirLine() {
    workload.accepted(RUN, "D-s0", 1, false);
    List<JsonObject> runs = List.of(run(RUN, "D-s0",
        job("j0", "SUCCEEDED", attempt(1, "FAILED", "r1", 0, 2), attempt(2, "SUCCEEDED", "r1", 3, 5))));
    // the stamp files are read in directory order, and two runners' lines interleave
    String stamps = stamps("D-s0-j0 end 2 5000", "D-s0-j0 start 2 3000", "D-s0-j0 end 1 2000", "D-s0-j0 start 1 1000");

    Check c = StampCheck.check(stamps, runs, workload, null);

    assertThat(c.ok()).as(c.detail()).isTrue();
  }

  @Test
  void anOverlapFailsNamingTheJob() {
    workload.accepted(RUN, "D-s0", 2, false);
    List<JsonObject> runs = List.of(run(RUN, "D-s0",
        job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", 0, 3)),
        job("j1", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", 0, 4), attempt(2, "FAILED", "r2", 1, 1))));
    String stamps = stamps(
        "D-s0-j0 start 1 1000", "D-s0-j0 end 1 3000",
        "D-s0-j1 start 1 1000", "D-s0-j1 overlap 2 1500", "D-s0-j1 end 1 4000");

    Check c = StampCheck.check(stamps, runs, workload, null);

    assertThat(c.ok()).isFalse();
    assertThat(c.detail()).contains("D-s0-j1: attempt 2 found the job's lock held by another attempt")
        .doesNotContain("D-s0-j0");
  }

  @Test
  void anAttemptThatStartedOverAnUnendedOnePassesWhenThatOneIsLost() {
    workload.accepted(RUN, "D-s0", 1, false);
    List<JsonObject> runs = List.of(run(RUN, "D-s0",
        job("j0", "SUCCEEDED", attempt(1, "LOST", "r1", 0, 10), attempt(2, "SUCCEEDED", "r2", 12, 15))));
    String stamps = stamps("D-s0-j0 start 1 1000", "D-s0-j0 start 2 12000", "D-s0-j0 end 2 15000");

    Check c = StampCheck.check(stamps, runs, workload, null);

    assertThat(c.ok()).as(c.detail()).isTrue();
    assertThat(c.detail()).contains("1 attempt(s) killed before their end, each counted LOST");
  }

  @Test
  void anAttemptThatStartedOverAnUnendedOneFailsWhenThatOneCountsAsSucceeded() {
    workload.accepted(RUN, "D-s0", 1, false);
    List<JsonObject> runs = List.of(run(RUN, "D-s0",
        job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", 0, 10), attempt(2, "SUCCEEDED", "r2", 12, 15))));
    String stamps = stamps("D-s0-j0 start 1 1000", "D-s0-j0 start 2 12000", "D-s0-j0 end 2 15000");

    Check c = StampCheck.check(stamps, runs, workload, null);

    assertThat(c.ok()).isFalse();
    assertThat(c.detail()).contains("D-s0-j0: attempt 2 started after attempt 1 died unended")
        .contains("counts attempt 1 SUCCEEDED, not LOST");
  }

  @Test
  void aSucceededJobWhoseLastAttemptNeverStampedItsEndFails() {
    workload.accepted(RUN, "D-s0", 1, false);
    List<JsonObject> runs = List.of(run(RUN, "D-s0", job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", 0, 3))));

    Check c = StampCheck.check(stamps("D-s0-j0 start 1 1000"), runs, workload, null);

    assertThat(c.ok()).isFalse();
    assertThat(c.detail()).contains("D-s0-j0: the job SUCCEEDED but its last attempt 1 never stamped its end");
  }

  @Test
  void aJobWithNoStampsFails() {
    workload.accepted(RUN, "D-s0", 2, false);
    List<JsonObject> runs = List.of(run(RUN, "D-s0",
        job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", 0, 3)),
        job("j1", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", 0, 3))));

    Check c = StampCheck.check(stamps("D-s0-j0 start 1 1000", "D-s0-j0 end 1 3000"), runs, workload, null);

    assertThat(c.ok()).isFalse();
    assertThat(c.detail()).isEqualTo("D-s0-j1: no stamps (the job never ran its command)");
  }

  @Test
  void thePoisonJobOfThePoisonRunNeedsNoStamps() {
    workload.accepted(RUN, "D-s0", 1, false);
    workload.accepted(RUN2, "D-s1", 2, true);
    List<JsonObject> runs = List.of(
        run(RUN, "D-s0", job("poison", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", 0, 3))),
        run(RUN2, "D-s1", job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", 0, 3)),
            job("poison", "QUARANTINED", attempt(1, "LOST", "r1", 0, 1), attempt(2, "LOST", "r2", 2, 3))));
    String stamps = stamps("D-s0-poison start 1 1000", "D-s0-poison end 1 3000", "D-s1-j0 start 1 1000",
        "D-s1-j0 end 1 3000");

    Check withPoison = StampCheck.check(stamps, runs, workload, "poison");
    Check without = StampCheck.check(stamps, runs, workload, null);

    assertThat(withPoison.ok()).as(withPoison.detail()).isTrue();
    assertThat(withPoison.detail()).startsWith("2 jobs'");
    // a job named poison in another run is an ordinary probe job, and the poison job counts when not named
    assertThat(without.ok()).isFalse();
    assertThat(without.detail()).isEqualTo("D-s1-poison: no stamps (the job never ran its command)");
  }

  @Test
  void stampsAreMatchedToRunsByTheirAcceptedPrefixNotTheirOrder() {
    // try s1 got no answer and was retried as s2: its stamps (if it ran at all) belong to no accepted run
    workload.accepted(RUN2, "D-s0", 1, false);
    workload.accepted(RUN, "D-s2", 1, false);
    List<JsonObject> runs = List.of(
        run(RUN, "D-s2", job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", 0, 3))),
        run(RUN2, "D-s0", job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", 0, 3))));
    String stamps = stamps("D-s0-j0 start 1 1000", "D-s0-j0 end 1 3000", "D-s1-j0 start 1 500",
        "D-s2-j0 start 1 1000", "D-s2-j0 end 1 3000");

    Check c = StampCheck.check(stamps, runs, workload, null);

    assertThat(c.ok()).as(c.detail()).isTrue();
    assertThat(workload.key(RUN, "j0")).isEqualTo("D-s2-j0");
    assertThat(workload.key(RUN2, "j3")).isEqualTo("D-s0-j3");
    assertThatThrownBy(() -> workload.key("33333333-3333-4333-8333-333333333333", "j0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a run of this drill");
  }

  @Test
  void theProbeJobsOwnStampsAreWhatTheCheckReads() throws Exception {
    workload.accepted(RUN, "D-s0", 2, false);
    Process clean = probe("D-s0-j0", 1, 0);
    assertThat(clean.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(clean.exitValue()).isZero();
    Process holder = probe("D-s0-j1", 1, 60);
    Path holderStamps = jobDir.resolve("D-s0-j1.stamps");
    await().atMost(Duration.ofSeconds(30))
        .until(() -> Files.exists(holderStamps) && Files.readString(holderStamps).contains("start 1 "));
    Process second = probe("D-s0-j1", 2, 0); // attempt 1 still holds the job's lock
    assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).isEqualTo(99);
    assertThat(holder.isAlive()).isTrue();
    List<JsonObject> runs = List.of(run(RUN, "D-s0",
        job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", 0, 1)),
        job("j1", "RUNNING", attempt(1, "RUNNING", "r1", 0, null), attempt(2, "FAILED", "r2", 1, 1))));

    String stamps = new LocalFaults(JsonObject::new, jobDir).readStamps(workload.stampPrefix());
    Check c = StampCheck.check(stamps, runs, workload, null);

    assertThat(stamps.lines()).hasSize(4).allMatch(l -> l.matches("D-s0-j[01] (start|end|overlap) [12] \\d+"));
    assertThat(c.ok()).isFalse();
    assertThat(c.detail()).isEqualTo("D-s0-j1: attempt 2 found the job's lock held by another attempt");
  }
}
