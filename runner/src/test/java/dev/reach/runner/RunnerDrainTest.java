package dev.reach.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.runner.journal.CompletionJournal;
import dev.reach.runner.process.Procs;
import dev.reach.runner.state.GroupRecords;
import dev.reach.runner.state.RunMarker;
import dev.reach.runner.state.StateDirLock;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.health.LifecycleState;
import dev.reach.shared.job.EndReason;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Graceful drain with real jobs: no new claims, running jobs get the drain timeout while
 * heartbeats go on, then the rest are killed (groups confirmed gone before their completion goes
 * out, reason {@code interrupted}), and {@code stop()} returns within the drain timeout plus a few seconds.
 */
class RunnerDrainTest {
  private static final long DRAIN_MS = 2_000;
  private RunnerHarness h;

  @BeforeEach
  void setUp() throws Exception {
    h = new RunnerHarness().with("REACH_DRAIN_TIMEOUT_MS", Long.toString(DRAIN_MS));
  }

  @AfterEach
  void tearDown() throws Exception {
    h.close();
  }

  @Test
  void shortJobsFinishLongOnesAreInterruptedAfterTheTimeoutAndStopReturnsInTime() throws Exception {
    Map<Long, Boolean> groupGoneAtCompletion = new ConcurrentHashMap<>();
    Map<Long, Long> pgids = new ConcurrentHashMap<>();
    h.orchestrator.completionObserver = c -> groupGoneAtCompletion.put(c.token(),
        pgids.containsKey(c.token()) && Procs.groupGone(pgids.get(c.token())));
    h.orchestrator.offer(1, "sleep 60 & sleep 60");
    h.orchestrator.offer(2, "sleep 1; echo finished");
    RunnerService runner = h.deploy();
    List<LifecycleState> states = new CopyOnWriteArrayList<>();
    runner.lifecycle().onChange(states::add);
    GroupRecords records = new GroupRecords(h.stateDir);
    await().atMost(Duration.ofSeconds(10)).until(() -> records.list().size() == 2);
    records.list().forEach(f -> f.record().ifPresent(r -> pgids.put(r.token(), r.pgid())));
    await().atMost(Duration.ofSeconds(5)).until(() -> Procs.liveInGroup(pgids.get(1L)).size() >= 2);
    h.orchestrator.offer(3, "echo never started");

    long began = System.nanoTime();
    RunnerHarness.await(runner.stop(), Duration.ofSeconds(DRAIN_MS / 1000 + 30));
    long tookMs = (System.nanoTime() - began) / 1_000_000;

    assertThat(tookMs).as("stop() took %d ms", tookMs).isBetween(DRAIN_MS, DRAIN_MS + 5_000);
    CompletionReport finished = h.orchestrator.completion(2).orElseThrow();
    assertThat(finished.reason()).isEqualTo(EndReason.EXIT_CODE);
    assertThat(finished.exitCode()).isZero();
    CompletionReport interrupted = h.orchestrator.completion(1).orElseThrow();
    assertThat(interrupted.reason()).isEqualTo(EndReason.INTERRUPTED);
    assertThat(interrupted.exitCode()).isNull();
    assertThat(groupGoneAtCompletion).as("each group confirmed gone before its completion was sent")
        .containsEntry(1L, true).containsEntry(2L, true);
    assertThat(h.orchestrator.completion(3)).as("nothing new claimed while draining").isEmpty();
    assertThat(h.store.log("job-2", 1)).isEqualTo("finished\n");
    assertThat(h.store.sealed("job-1", 1)).isTrue();

    // heartbeats went on during the drain, renewing the interrupted job until its completion
    List<FakeHeartbeat> during = h.orchestrator.received.stream()
        .filter(r -> r.address().equals(Addresses.HEARTBEAT) && r.atNanos() > began)
        .map(r -> new FakeHeartbeat(Heartbeat.fromJson(r.body()), r.atNanos()))
        .toList();
    assertThat(during).isNotEmpty();
    assertThat(during).anyMatch(hb -> hb.heartbeat().heldTokens().contains(1L));

    assertThat(states).containsExactly(LifecycleState.DRAINING, LifecycleState.STOPPED);
    assertThat(Procs.liveIn(h.dir)).isEmpty();
    assertThat(records.list()).isEmpty();
    assertThat(new CompletionJournal(h.stateDir, Clock.systemUTC()).entries()).isEmpty();
    assertThat(RunMarker.find(h.stateDir)).isEmpty();
    StateDirLock.acquire(h.stateDir).close(); // released
  }

  @Test
  void withNothingRunningStopIsImmediate() throws Exception {
    RunnerService runner = h.deploy();

    long began = System.nanoTime();
    RunnerHarness.await(runner.stop(), Duration.ofSeconds(10));
    RunnerHarness.await(runner.stop(), Duration.ofSeconds(1)); // idempotent

    assertThat((System.nanoTime() - began) / 1_000_000).isLessThan(DRAIN_MS);
    assertThat(runner.lifecycle().state()).isEqualTo(LifecycleState.STOPPED);
  }

  @Test
  void undeliverableCompletionsDoNotHoldUpTheStopAndStayJournaled() throws Exception {
    h.orchestrator.offer(5, "sleep 60");
    RunnerService runner = h.deploy();
    await().atMost(Duration.ofSeconds(10)).until(() -> !h.orchestrator.messages(Addresses.STARTED).isEmpty());
    h.orchestrator.completionFailuresLeft.set(Integer.MAX_VALUE); // the database went away for good

    long began = System.nanoTime();
    RunnerHarness.await(runner.stop(), Duration.ofSeconds(30));
    long tookMs = (System.nanoTime() - began) / 1_000_000;

    assertThat(tookMs).as("stop() took %d ms", tookMs).isLessThan(DRAIN_MS + RunnerTuning.defaults().drainFlushMs() + 2_000);
    assertThat(h.orchestrator.completions()).isNotEmpty().allMatch(c -> c.reason() == EndReason.INTERRUPTED);
    assertThat(new CompletionJournal(h.stateDir, Clock.systemUTC()).entries())
        .as("kept for the next incarnation").extracting(e -> e.report().token()).containsExactly(5L);
    assertThat(Procs.liveIn(h.dir)).isEmpty();
  }

  @Test
  void leasesGrantedToAClaimInFlightWhenTheDrainBeginsAreReleasedNotStarted() throws Exception {
    RunnerService runner = h.deploy();
    java.util.concurrent.CompletableFuture<Void> gate = new java.util.concurrent.CompletableFuture<>();
    int claimsBefore = h.orchestrator.messages(Addresses.CLAIM).size();
    h.orchestrator.claimGate = gate;
    await().atMost(Duration.ofSeconds(5)).until(() -> h.orchestrator.messages(Addresses.CLAIM).size() > claimsBefore);
    long inFlightSeq = h.orchestrator.messages(Addresses.CLAIM).get(h.orchestrator.messages(Addresses.CLAIM).size() - 1)
        .body().getLong("claim_seq");

    io.vertx.core.Future<Void> stopping = runner.stop();
    await().atMost(Duration.ofSeconds(5)).until(() -> runner.lifecycle().state() == LifecycleState.DRAINING);
    h.orchestrator.offer(51, "echo must not run");
    long answeredAt = System.nanoTime();
    gate.complete(null);
    RunnerHarness.await(stopping, Duration.ofSeconds(DRAIN_MS / 1000 + 10));

    assertThat(h.orchestrator.messages(Addresses.STARTED)).isEmpty();
    assertThat(Procs.liveIn(h.dir)).isEmpty();
    // released: a heartbeat after the answer settled that claim without holding its lease
    assertThat(h.orchestrator.received.stream()
        .filter(r -> r.address().equals(Addresses.HEARTBEAT) && r.atNanos() > answeredAt)
        .map(r -> Heartbeat.fromJson(r.body())))
        .anyMatch(hb -> hb.settledClaimSeq() >= inFlightSeq && !hb.heldTokens().contains(51L));
    assertThat(runner.lifecycle().state()).isEqualTo(LifecycleState.STOPPED);
  }

  private record FakeHeartbeat(Heartbeat heartbeat, long atNanos) {}
}
