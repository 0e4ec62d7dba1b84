package dev.reach.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.job.EndReason;
import java.time.Duration;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Database outage ride-through with a real job under its watcher (TTL 3 s, kill margin 1 s, so a
 * lease without renewal stops its job 2 s after the last committed renewal was sent): outage
 * extensions keep it running, but never past the cap counted from the last committed renewal;
 * without extensions the watcher stops it at its deadline as always.
 */
class RunnerOutageTest {
  private static final long CAP_MS = 4_000;
  private RunnerHarness h;

  @BeforeEach
  void setUp() throws Exception {
    h = new RunnerHarness().with("REACH_OUTAGE_RIDE_THROUGH_MS", Long.toString(CAP_MS));
  }

  @AfterEach
  void tearDown() throws Exception {
    h.close();
  }

  private void startJob(long token) throws Exception {
    h.orchestrator.offer(token, "sleep 60");
    h.deploy();
    await().atMost(Duration.ofSeconds(10)).until(() -> !h.orchestrator.messages(Addresses.STARTED).isEmpty());
  }

  /** Fails heartbeats as a down database would; returns when (nanoTime) — no committed renewal is sent after it. */
  private long databaseGoesDown() {
    h.orchestrator.heartbeatFailure = ErrorCode.DB_UNAVAILABLE;
    return System.nanoTime();
  }

  private long completionMsAfter(long token, long sinceNanos) {
    long at = h.orchestrator.messages(Addresses.COMPLETE).stream()
        .filter(r -> CompletionReport.fromJson(r.body()).token() == token).findFirst().orElseThrow().atNanos();
    return (at - sinceNanos) / 1_000_000;
  }

  @Test
  void extensionsKeepTheJobRunningUntilTheCapThenItsWatcherStopsIt() throws Exception {
    h.orchestrator.outageFailure = null; // the leader grants extensions
    startJob(1);

    long down;
    try (LogCapture log = new LogCapture(RunnerVerticle.class)) {
      down = databaseGoesDown();
      await().atMost(Duration.ofSeconds(20)).until(() -> h.orchestrator.completion(1).isPresent());
      assertThat(log.has(Level.WARNING, "riding through on outage extensions")).isTrue();
      // logged by the first outage heartbeat past the cap; the watcher stops the job at the deadline
      // the last extension set, on its own clock: nothing orders that line before the completion
      await().atMost(Duration.ofSeconds(2)).until(() -> log.has(Level.WARNING, "outage ride-through cap reached"));
    }

    CompletionReport report = h.orchestrator.completion(1).orElseThrow();
    assertThat(report.reason()).isEqualTo(EndReason.SELF_FENCED);
    long after = completionMsAfter(1, down);
    // the last committed renewal was sent at most one heartbeat interval (1 s) before "down": without
    // extensions the job would have stopped within 2 s of it; the cap lets it run to at most
    // lastCommitted + cap + ttl - margin = 6 s
    assertThat(after).as("stopped %d ms after the database went down", after).isBetween(3_000L, 6_000L + 1_500L);
    assertThat(h.orchestrator.messages(Addresses.OUTAGE_HEARTBEAT)).hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void withoutAnExtensionTheWatcherStopsTheJobAtItsLeaseDeadline() throws Exception {
    h.orchestrator.outageFailure = ErrorCode.NOT_LEADER;
    startJob(2);

    long down = databaseGoesDown();
    await().atMost(Duration.ofSeconds(20)).until(() -> h.orchestrator.completion(2).isPresent());

    assertThat(h.orchestrator.completion(2).orElseThrow().reason()).isEqualTo(EndReason.SELF_FENCED);
    long after = completionMsAfter(2, down);
    assertThat(after).as("stopped %d ms after the database went down", after).isLessThan(2_000L + 1_000L);
  }

  @Test
  void anOutageShorterThanTheCapIsRiddenThroughAndTheJobKeepsRunning() throws Exception {
    h.orchestrator.outageFailure = null;
    startJob(3);

    try (LogCapture log = new LogCapture(RunnerVerticle.class)) {
      databaseGoesDown();
      // three outage heartbeats (about 3 s: past the 2 s a lease lasts without renewal)
      await().atMost(Duration.ofSeconds(10)).until(() -> h.orchestrator.messages(Addresses.OUTAGE_HEARTBEAT).size() >= 3);
      h.orchestrator.heartbeatFailure = null; // the database is back
      int committedBefore = h.orchestrator.messages(Addresses.HEARTBEAT).size();
      // two committed renewals later the job is still there
      await().atMost(Duration.ofSeconds(10)).until(() -> h.orchestrator.messages(Addresses.HEARTBEAT).size() >= committedBefore + 3);
      assertThat(log.has(Level.INFO, "the database is back")).isTrue();
    }

    assertThat(h.orchestrator.completion(3)).as("the job rode through").isEmpty();
  }
}
