package dev.reach.runner.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.runner.exec.Workspace;
import dev.reach.runner.process.ProcStat;
import dev.reach.runner.process.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The start-up sweep with real process groups: a recorded group whose leader still has the
 * recorded start time is killed whole; a live process whose pid matches but whose start time does
 * not (a reused pid) is never touched.
 */
class LeftoverSweepTest {
  private Instant testStart;
  private Path state;
  private GroupRecords records;
  private final List<Process> started = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    testStart = Instant.now().minusSeconds(1);
    state = Files.createTempDirectory("reach-sweep-");
    records = new GroupRecords(state);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Process p : started) {
      Procs.killGroup(p.pid(), testStart);
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
    Workspace.delete(state);
  }

  /** {@code setsid COMMAND}: the JVM's child is no group leader, so setsid execs in place — its pid leads a new group and session. */
  private long startGroup(String command) throws Exception {
    Process p = new ProcessBuilder("setsid", "sh", "-c", command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    started.add(p);
    long pid = p.pid();
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
        .until(() -> Procs.stat(pid).map(s -> s.pgrp() == pid && s.session() == pid).orElse(false));
    return pid;
  }

  private static long startTicks(long pid) {
    return ProcStat.read(pid).orElseThrow().startTicks();
  }

  @Test
  void killsALeftoverGroupWhoseLeaderStartTimeMatches() throws Exception {
    long pgid = startGroup("sleep 60 & sleep 60 & wait");
    await().atMost(Duration.ofSeconds(5)).until(() -> Procs.liveInGroup(pgid).size() >= 3);
    List<Long> members = Procs.liveInGroup(pgid);
    records.write(new GroupRecord(pgid, startTicks(pgid), "job-1", 41, "earlier-incarnation"));

    SweepResult result = new LeftoverSweep(records).sweep("this-incarnation", Duration.ofSeconds(5));

    assertThat(result.killedGroups()).containsExactly(pgid);
    assertThat(result.staleRecords()).isZero();
    assertThat(result.unconfirmed()).isEmpty();
    assertThat(Procs.groupGone(pgid)).as("confirmed gone before the sweep returned").isTrue();
    assertThat(members).noneMatch(Procs::alive);
    assertThat(records.list()).isEmpty();
  }

  @Test
  void neverKillsAProcessWhosePidMatchesButStartTimeDiffers() throws Exception {
    long pid = startGroup("exec sleep 60");
    long realStart = startTicks(pid);
    // what a record of an earlier process with the same pid would look like
    records.write(new GroupRecord(pid, realStart - 1, "job-2", 42, "earlier-incarnation"));

    SweepResult result = new LeftoverSweep(records).sweep("this-incarnation", Duration.ofSeconds(5));

    assertThat(result.killedGroups()).isEmpty();
    assertThat(result.staleRecords()).isEqualTo(1);
    assertThat(Procs.alive(pid)).as("the unrelated process survives").isTrue();
    assertThat(startTicks(pid)).isEqualTo(realStart);
    assertThat(records.list()).as("the stale record is removed").isEmpty();

    Procs.killGroup(pid, testStart);
    await().atMost(Duration.ofSeconds(5)).until(() -> !Procs.alive(pid));
  }

  @Test
  void recordsOfGoneProcessesAndUnreadableOnesAreStaleAndRemoved() throws Exception {
    Process done = new ProcessBuilder("true").start();
    assertThat(done.waitFor(5, TimeUnit.SECONDS)).isTrue();
    long gonePid = done.pid();
    records.write(new GroupRecord(gonePid, 12345, "job-3", 43, "earlier-incarnation"));
    Files.createDirectories(records.dir());
    Files.writeString(records.dir().resolve("44.json"), "{not json");
    Files.writeString(records.dir().resolve("45.json" + AtomicFiles.TEMP_SUFFIX), "{\"half\":");

    SweepResult result = new LeftoverSweep(records).sweep("this-incarnation", Duration.ofSeconds(1));

    assertThat(result.killedGroups()).isEmpty();
    assertThat(result.staleRecords()).isEqualTo(2);
    assertThat(records.list()).isEmpty();
    try (var files = Files.list(records.dir())) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void recordsOfTheCurrentIncarnationAreLeftAlone() throws Exception {
    long pgid = startGroup("exec sleep 60");
    records.write(new GroupRecord(pgid, startTicks(pgid), "job-4", 46, "this-incarnation"));

    SweepResult result = new LeftoverSweep(records).sweep("this-incarnation", Duration.ofSeconds(1));

    assertThat(result).isEqualTo(SweepResult.nothing());
    assertThat(Procs.alive(pgid)).isTrue();
    assertThat(records.list()).hasSize(1);
  }
}
