package dev.reach.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reach.runner.journal.CompletionJournal;
import dev.reach.runner.process.ProcStat;
import dev.reach.runner.process.Procs;
import dev.reach.runner.state.GroupRecord;
import dev.reach.runner.state.GroupRecords;
import dev.reach.runner.state.RunMarker;
import dev.reach.runner.state.StateDirInUseException;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.RunnerRestarted;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.health.LifecycleState;
import dev.reach.shared.job.EndReason;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A runner's start with a real state directory and a stand-in orchestrator on the bus: the lock,
 * the unclean-shutdown marker, the sweep of leftover process groups and workspaces, the re-sent
 * journal — all before the restart report, and the report before the first claim.
 */
class RunnerStartupTest {
  private RunnerHarness h;
  private Process leftover;

  @BeforeEach
  void setUp() throws Exception {
    h = new RunnerHarness();
    Files.createDirectories(h.stateDir);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (leftover != null) {
      Procs.killGroup(leftover.pid(), h.started);
      leftover.destroyForcibly();
      leftover.waitFor(5, TimeUnit.SECONDS);
    }
    h.close();
  }

  @Test
  void aSecondRunnerOnTheSameStateDirectoryIsRefused() throws Exception {
    RunnerService first = h.deploy();

    assertThatThrownBy(() -> h.deploy())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(StateDirInUseException.class)
        .hasMessageContaining(h.stateDir.toString());
    assertThat(first.lifecycle().state()).isEqualTo(LifecycleState.HEALTHY);
    assertThat(RunMarker.find(h.stateDir)).get().extracting(RunMarker::incarnation).isEqualTo(first.incarnation());

    RunnerHarness.await(first.stop(), Duration.ofSeconds(10));
    RunnerService next = h.deploy(); // the lock went with the first runner
    assertThat(next.lifecycle().state()).isEqualTo(LifecycleState.HEALTHY);
  }

  @Test
  void anUncleanShutdownIsDetectedLoggedAndReported() throws Exception {
    new RunMarker("crashed-incarnation", 4242, Instant.parse("2026-11-23T09:00:00Z")).write(h.stateDir);

    RunnerService runner;
    try (LogCapture log = new LogCapture(RunnerBoot.class)) {
      runner = h.deploy();
      assertThat(log.has(Level.WARNING, "unclean shutdown of incarnation crashed-incarnation (pid 4242) detected")).isTrue();
    }

    RunnerRestarted report = h.orchestrator.restarts().get(0);
    assertThat(report.uncleanShutdown()).isTrue();
    assertThat(report.incarnation()).isEqualTo(runner.incarnation());
    assertThat(report.runnerId()).isEqualTo("test-runner");
    RunMarker mine = RunMarker.find(h.stateDir).orElseThrow();
    assertThat(mine.incarnation()).isEqualTo(runner.incarnation());
    assertThat(mine.pid()).isEqualTo(ProcessHandle.current().pid());

    RunnerHarness.await(runner.stop(), Duration.ofSeconds(10));
    assertThat(RunMarker.find(h.stateDir)).as("a clean stop removes the marker").isEmpty();
    h.deploy();
    assertThat(h.orchestrator.restarts()).hasSize(2);
    assertThat(h.orchestrator.restarts().get(1).uncleanShutdown()).isFalse();
  }

  @Test
  void leftoversOfAnEarlierIncarnationAreSweptBeforeTheFirstClaim() throws Exception {
    leftover = new ProcessBuilder("setsid", "sh", "-c", "sleep 60 & sleep 60 & wait")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    long pgid = leftover.pid();
    await().atMost(Duration.ofSeconds(5)).until(() -> Procs.liveInGroup(pgid).size() >= 3);
    GroupRecords records = new GroupRecords(h.stateDir);
    records.write(new GroupRecord(pgid, ProcStat.read(pgid).orElseThrow().startTicks(), "job-1", 11, "old-incarnation"));
    Path oldWorkspace = Files.createDirectories(h.stateDir.resolve("work/old-incarnation/job-1-1"));
    Files.writeString(oldWorkspace.resolve("big.bin"), "x".repeat(1000));
    h.orchestrator.offer(12, "echo hello");

    h.deploy();

    RunnerRestarted report = h.orchestrator.restarts().get(0);
    assertThat(report.killedGroups()).containsExactly(pgid);
    assertThat(report.staleRecords()).isZero();
    assertThat(report.uncleanShutdown()).isFalse();
    assertThat(Procs.groupGone(pgid)).isTrue();
    assertThat(records.list()).noneMatch(f -> f.record().map(r -> r.token() == 11).orElse(true));
    assertThat(Files.exists(h.stateDir.resolve("work/old-incarnation"))).isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> h.orchestrator.completion(12).isPresent());
    assertThat(h.orchestrator.firstIndexOf(Addresses.RUNNER_RESTARTED))
        .as("the sweep is reported before anything is claimed")
        .isLessThan(h.orchestrator.firstIndexOf(Addresses.CLAIM));
  }

  @Test
  void journaledCompletionsAreReSentUntilAnsweredBeforeTheRestartReport() throws Exception {
    CompletionJournal journal = new CompletionJournal(h.stateDir, Clock.systemUTC());
    CompletionReport left = new CompletionReport("job-21", 21, "test-runner", 0, EndReason.EXIT_CODE,
        new JsonObject().put("size", 3).put("sha256", "abc"));
    journal.write(left, "old-incarnation");
    h.orchestrator.completionFailuresLeft.set(3); // the database is still coming back

    h.deploy();

    assertThat(h.orchestrator.completions()).hasSize(4).allMatch(left::equals);
    int lastCompletion = h.orchestrator.received.stream().map(r -> r.address()).toList().lastIndexOf(Addresses.COMPLETE);
    assertThat(lastCompletion).isLessThan(h.orchestrator.firstIndexOf(Addresses.RUNNER_RESTARTED));
    await().atMost(Duration.ofSeconds(5)).until(() -> journal.entries().isEmpty());
  }

  @Test
  void aStaleAnswerSettlesAJournaledCompletionToo() throws Exception {
    CompletionJournal journal = new CompletionJournal(h.stateDir, Clock.systemUTC());
    journal.write(new CompletionReport("job-22", 22, "test-runner", null, EndReason.SELF_FENCED, new JsonObject()), "old");
    h.orchestrator.completionFailuresLeft.set(1);
    h.orchestrator.completionFailure = ErrorCode.STALE_LEASE;

    h.deploy();

    assertThat(h.orchestrator.completions()).hasSize(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> journal.entries().isEmpty());
  }

  @Test
  void anUnansweredRestartReportIsTriedABoundedNumberOfTimesThenTheRunnerGoesOn() throws Exception {
    h.orchestrator.restartFailuresLeft.set(1_000);
    h.orchestrator.offer(31, "true");

    h.deploy();

    assertThat(h.orchestrator.restarts()).hasSize(3);
    await().atMost(Duration.ofSeconds(10)).until(() -> h.orchestrator.completion(31).isPresent());
  }
}
