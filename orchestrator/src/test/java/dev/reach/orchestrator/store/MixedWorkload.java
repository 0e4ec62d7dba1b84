package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.job.EndReason;
import dev.reach.shared.spec.RunSpec;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every kind of transition the orchestrator writes, through the real stores on the settable clock:
 * succeeded, failed after a retry, timed out, cancelled (queued and running), lost and retried,
 * quarantined with its dead letter and requeued as a new run, lost to a runner restart, released
 * as never received, renewed, graced by the leader and by a new leader, an idempotent resubmission,
 * and leases left running and leased at the end. Each job has a label of its own, so a claim takes
 * exactly the job the scenario means.
 */
final class MixedWorkload {
  private final StoreFixture f;
  private long seq;
  /** The job of each scenario, by name. */
  final Map<String, UUID> jobs = new LinkedHashMap<>();
  UUID requeuedRun;

  MixedWorkload(StoreFixture f) {
    this.f = f;
  }

  private UUID submit(String scenario, String extra) {
    String json = "{\"name\":\"" + scenario + "\",\"jobs\":[{\"name\":\"" + scenario + "\",\"command\":\"run " + scenario
        + "\",\"env\":{\"TOKEN\":\"s3cret-" + scenario + "\"},\"labels\":[\"" + scenario + "\"]" + extra + "}]}";
    UUID run = f.runs.submit(RunSpec.parse(new JsonObject(json)), null).await().id();
    UUID job = f.sql("SELECT id FROM jobs WHERE run_id = $1", run).getUUID(0);
    jobs.put(scenario, job);
    return run;
  }

  private Lease claim(String scenario, String runner, String incarnation) {
    List<Lease> leases = f.leases.claim(new ClaimRequest(runner, incarnation, ++seq, 1, List.of(scenario))).await();
    assertThat(leases).as("claim of " + scenario).hasSize(1);
    return leases.get(0);
  }

  private Lease claim(String scenario) {
    return claim(scenario, "runner-a", "inc-a");
  }

  private void start(Lease l) {
    f.now.advance(Duration.ofMillis(250));
    f.leases.started(UUID.fromString(l.jobId()), l.token(), f.now.now().toInstant().toEpochMilli() - 40).await();
  }

  private String complete(Lease l, Integer exit, EndReason reason) {
    f.now.advance(Duration.ofMillis(500));
    JsonObject log = exit == null ? null
        : new JsonObject().put("size", 10 + exit).put("sha256", "ab".repeat(32)).put("truncated", false);
    return f.leases.complete(new CompletionReport(l.jobId(), l.token(), "runner-a", exit, reason, log)).await().newState();
  }

  private void expireAll() {
    f.now.advance(Duration.ofMillis(StoreFixture.TTL_MS + 1));
    f.leases.reapExpired(100, f.epoch).await();
  }

  /** Runs every scenario; the last leader takeover bumps the epoch (the fixture's epoch is then stale). */
  MixedWorkload run() {
    submit("succeeded", "");
    Lease ok = claim("succeeded");
    start(ok);
    assertThat(complete(ok, 0, EndReason.EXIT_CODE)).isEqualTo("SUCCEEDED");

    submit("failed", ",\"max_attempts\":2");
    Lease f1 = claim("failed");
    start(f1);
    assertThat(complete(f1, 3, EndReason.EXIT_CODE)).isEqualTo("QUEUED");
    Lease f2 = claim("failed");
    start(f2);
    assertThat(complete(f2, 4, EndReason.EXIT_CODE)).isEqualTo("FAILED");

    submit("timed-out", "");
    Lease t = claim("timed-out");
    start(t);
    assertThat(complete(t, null, EndReason.TIMEOUT)).isEqualTo("FAILED");

    String two = "{\"name\":\"cancelled\",\"jobs\":["
        + "{\"name\":\"cancelled-running\",\"command\":\"sleep 60\",\"labels\":[\"cancelled-running\"]},"
        + "{\"name\":\"cancelled-queued\",\"command\":\"sleep 60\",\"labels\":[\"cancelled-queued\"]}]}";
    UUID cancelledRun = f.runs.submit(RunSpec.parse(new JsonObject(two)), "idem-cancel").await().id();
    assertThat(f.runs.submit(RunSpec.parse(new JsonObject(two)), "idem-cancel").await().id()).isEqualTo(cancelledRun);
    jobs.put("cancelled-running", f.sql("SELECT id FROM jobs WHERE run_id = $1 AND name = 'cancelled-running'", cancelledRun).getUUID(0));
    jobs.put("cancelled-queued", f.sql("SELECT id FROM jobs WHERE run_id = $1 AND name = 'cancelled-queued'", cancelledRun).getUUID(0));
    start(claim("cancelled-running"));
    f.now.advance(Duration.ofSeconds(1));
    assertThat(f.runs.cancel(cancelledRun).await().cancelledJobs()).isEqualTo(2);

    submit("lost", ",\"max_lost_attempts\":3");
    start(claim("lost"));
    expireAll();
    Lease again = claim("lost", "runner-b", "inc-b");
    start(again);
    assertThat(complete(again, 0, EndReason.EXIT_CODE)).isEqualTo("SUCCEEDED");

    submit("quarantined", ",\"max_lost_attempts\":2");
    claim("quarantined");
    expireAll();
    start(claim("quarantined", "runner-b", "inc-b"));
    expireAll();
    requeuedRun = new DeadLetterStore(f.db, f.runs)
        .requeue(jobs.get("quarantined"), "token:ops", "poison fixed in 1.2.3").await().runId();
    jobs.put("requeued", f.sql("SELECT id FROM jobs WHERE run_id = $1", requeuedRun).getUUID(0));
    Lease rq = f.leases.claim(new ClaimRequest("runner-a", "inc-a", ++seq, 1, List.of("quarantined"))).await().get(0);
    start(rq);
    assertThat(complete(rq, 0, EndReason.EXIT_CODE)).isEqualTo("SUCCEEDED");

    submit("restarted", ",\"max_lost_attempts\":3");
    start(claim("restarted", "runner-r", "inc-r1"));
    f.now.advance(Duration.ofMillis(100));
    assertThat(f.leases.expireOtherIncarnations("runner-r", "inc-r2").await()).hasSize(1);

    submit("released", "");
    claim("released", "runner-q", "inc-q");
    f.now.advance(Duration.ofMillis(100));
    assertThat(f.leases.heartbeat(new Heartbeat("runner-q", "inc-q", 1, List.of("released"), seq, List.of())).await()
        .released()).hasSize(1);

    submit("running", "");
    Lease running = claim("running");
    start(running);
    submit("leased", "");
    Lease leased = claim("leased", "runner-c", "inc-c");
    f.now.advance(Duration.ofSeconds(2));
    f.leases.heartbeat(new Heartbeat("runner-a", "inc-a", 4, List.of(), seq, List.of(running.token()))).await();
    f.leader.grace(f.epoch, 60_000, "test").await();
    f.now.advance(Duration.ofSeconds(1));
    f.leader.take("second-leader", 90_000).await();
    f.now.advance(Duration.ofSeconds(1));
    f.leases.heartbeat(new Heartbeat("runner-c", "inc-c", 1, List.of("leased"), seq, List.of(leased.token()))).await();
    return this;
  }
}
