package dev.reach.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.runner.fakes.FakeOrchestrator;
import dev.reach.runner.journal.CompletionJournal;
import dev.reach.runner.retry.Backoff;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.job.EndReason;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Completions and their side effects with real jobs: a completion is journaled and retried for as
 * long as the failure is retryable while the finished job's lease keeps being renewed; the store
 * refusing a stale attempt's log kills the job; artifacts the store cannot take are recorded
 * missing while the outcome still comes from the exit code.
 */
class RunnerCompletionTest {
  private RunnerHarness h;

  @BeforeEach
  void setUp() throws Exception {
    h = new RunnerHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    h.close();
  }

  @Test
  void aCompletionIsRetriedPastAnyFixedNumberOfTriesWhileTheLeaseIsStillRenewed() throws Exception {
    h.orchestrator.completionFailuresLeft.set(40); // far more than the old 8 tries
    h.orchestrator.completionFailure = ErrorCode.DB_CIRCUIT_OPEN;
    h.orchestrator.offer(7, "echo done");
    CompletionJournal journal = new CompletionJournal(h.stateDir, Clock.systemUTC());
    h.deploy(h.node(), RunnerHarness.fastTuning().withCompletionBackoff(new Backoff(30, 120)));

    // while the database refuses it, the completion is journaled
    await().atMost(Duration.ofSeconds(10)).until(() -> !h.orchestrator.completions().isEmpty());
    assertThat(journal.entries()).extracting(e -> e.report().token()).containsExactly(7L);
    await().atMost(Duration.ofSeconds(30)).until(() -> h.orchestrator.completions().size() == 41);
    long acceptedAt = h.orchestrator.messages(Addresses.COMPLETE).get(40).atNanos();
    long firstTryAt = h.orchestrator.messages(Addresses.COMPLETE).get(0).atNanos();

    CompletionReport report = h.orchestrator.completions().get(40);
    assertThat(report.reason()).isEqualTo(EndReason.EXIT_CODE);
    assertThat(report.exitCode()).isZero();
    // renewed all along: every heartbeat between the first try and the answer still held token 7
    List<Heartbeat> between = heartbeatsBetween(firstTryAt, acceptedAt);
    assertThat(between).isNotEmpty().allMatch(hb -> hb.heldTokens().contains(7L));
    // and released once answered: the runner lets go of the token only after the answer got back
    // to it and the journal entry was removed, so a heartbeat sent meanwhile may still arrive after
    // acceptedAt holding it; once one arrives without it, none after it holds it again
    await().atMost(Duration.ofSeconds(5))
        .until(() -> heartbeatsBetween(acceptedAt, Long.MAX_VALUE).stream().anyMatch(hb -> !hb.heldTokens().contains(7L)));
    List<Heartbeat> afterAnswer = heartbeatsBetween(acceptedAt, Long.MAX_VALUE);
    int firstWithout = 0;
    while (afterAnswer.get(firstWithout).heldTokens().contains(7L)) {
      firstWithout++;
    }
    assertThat(afterAnswer.subList(firstWithout, afterAnswer.size())).noneMatch(hb -> hb.heldTokens().contains(7L));
    await().atMost(Duration.ofSeconds(5)).until(() -> journal.entries().isEmpty());
    // the started report came first and never after the completion
    List<String> order = h.orchestrator.received.stream().map(FakeOrchestrator.Received::address)
        .filter(a -> a.equals(Addresses.STARTED) || a.equals(Addresses.COMPLETE)).toList();
    assertThat(order.get(0)).isEqualTo(Addresses.STARTED);
    assertThat(order.subList(1, order.size())).containsOnly(Addresses.COMPLETE);
  }

  private List<Heartbeat> heartbeatsBetween(long fromNanos, long toNanos) {
    return h.orchestrator.received.stream()
        .filter(r -> r.address().equals(Addresses.HEARTBEAT) && r.atNanos() > fromNanos && r.atNanos() < toNanos)
        .map(r -> Heartbeat.fromJson(r.body()))
        .toList();
  }

  @Test
  void aStoreRefusingTheLogAsStaleGetsTheJobKilled() throws Exception {
    h.store.makeStale(8);
    h.orchestrator.offer(8, "echo some output; sleep 60");
    h.deploy();

    await().atMost(Duration.ofSeconds(15)).until(() -> h.orchestrator.completion(8).isPresent());

    CompletionReport report = h.orchestrator.completion(8).orElseThrow();
    assertThat(report.reason()).isEqualTo(EndReason.CANCELLED);
    assertThat(report.log().getBoolean("missing")).isTrue();
    assertThat(report.log().getString("reason")).startsWith("STALE_LEASE: ");
    assertThat(h.store.logRequests.get()).isEqualTo(1);
  }

  @Test
  void artifactsTheStoreCannotTakeAreRecordedMissingAndTheExitCodeStillDecides() throws Exception {
    h.store.failArtifacts(ErrorCode.ARTIFACT_STORE_UNAVAILABLE);
    h.orchestrator.offer(9, "mkdir -p out && echo built > out/app.txt && echo building && exit 3", 600, List.of("out/*"));
    h.deploy();

    await().atMost(Duration.ofSeconds(15)).until(() -> h.orchestrator.completion(9).isPresent());

    CompletionReport report = h.orchestrator.completion(9).orElseThrow();
    assertThat(report.reason()).isEqualTo(EndReason.EXIT_CODE);
    assertThat(report.exitCode()).isEqualTo(3);
    JsonArray artifacts = report.log().getJsonArray("artifacts");
    assertThat(artifacts).containsExactly(new JsonObject().put("name", "out/app.txt").put("missing", true)
        .put("reason", "ARTIFACT_STORE_UNAVAILABLE: scripted failure"));
    assertThat(h.store.artifactRequests.get()).isEqualTo(3); // REACH_ARTIFACT_RETRY_TRIES
    assertThat(report.log().getString("sha256")).isNotNull(); // the log itself was stored
    assertThat(h.store.log("job-9", 1)).isEqualTo("building\n");
  }
}
