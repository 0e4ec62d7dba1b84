package dev.reach.orchestrator.store;

import dev.reach.orchestrator.admin.RunnerAdmission;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.orchestrator.api.AdminBusApi;
import dev.reach.orchestrator.api.OrchestratorApi;
import dev.reach.orchestrator.api.ProtocolCounters;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.metrics.ReachMetrics;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Invariant "auditable recovery": every admin action is an event naming the actor and the reason —
 * a manual restart, a requeue from the dead-letter queue and a projection rebuild — sent over the
 * orchestrator's event-bus addresses as the hub sends them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminActionEventsTest {
  private StoreFixture f;

  @BeforeEach
  void open() {
    f = new StoreFixture();
    ProtocolCounters counters = new ProtocolCounters(ReachMetrics.of(f.vertx));
    f.vertx.deployVerticle(new AdminBusApi(new AdminStore(f.db), 10_000, counters,
        new ProjectionRebuild(f.db, ProjectionRebuild.Settings.DEFAULTS), new RunStateStore(f.db), 1_000)).await();
    LeaseStore leases = new LeaseStore(f.db, f.now, StoreFixture.TTL_MS);
    f.vertx.deployVerticle(new OrchestratorApi(f.runs, leases, new RunnerStore(f.db), new DeadLetterStore(f.db, f.runs),
        counters, JsonObject::new, RunnerAdmission.open())).await();
  }

  @AfterEach
  void close() {
    f.close();
  }

  private JsonObject request(String address, JsonObject body) {
    return (JsonObject) f.vertx.eventBus().request(address, body).await().body();
  }

  private JsonObject payload(String type) {
    Row r = f.sql("SELECT payload FROM events WHERE type = $1 ORDER BY seq DESC LIMIT 1", type);
    Object p = r.getValue("payload");
    return p instanceof JsonObject o ? o : new JsonObject(String.valueOf(p));
  }

  @Test
  void aManualRestartNamesTheActorAndTheReason() {
    JsonObject record = new JsonObject().put("at", "2026-11-01T10:00:00Z").put("component", "hub.http")
        .put("trigger", "manual").put("by", "token:ops").put("reason", "stuck event loop").put("override", false)
        .put("outcome", "restarted");
    request(Addresses.ADMIN_AUDIT, new JsonObject().put("type", "manual_restart").put("payload", record));

    JsonObject p = payload("manual_restart");
    assertThat(p.getString("actor")).isEqualTo("token:ops");
    assertThat(p.getString("reason")).isEqualTo("stuck event loop");
    assertThat(p.getString("component")).isEqualTo("hub.http");
  }

  @Test
  void aRequeueFromTheDeadLetterQueueNamesTheActorAndTheReason() {
    f.submitOne("poison"); // max_lost_attempts = 2
    UUID job = null;
    for (int i = 1; i <= 2; i++) {
      var leases = f.leases.claim(f.claim("r" + i, 1, 1)).await();
      job = UUID.fromString(leases.get(0).jobId());
      f.now.advance(Duration.ofMillis(StoreFixture.TTL_MS + 1));
      f.leases.reapExpired(100, f.epoch).await();
    }

    JsonObject admin = request(Addresses.REQUEUE_DEAD_LETTER, new JsonObject().put("job_id", job.toString())
        .put("actor", "token:ops").put("reason", "input fixed"));
    JsonObject anonymous = request(Addresses.REQUEUE_DEAD_LETTER, new JsonObject().put("job_id", job.toString()));

    Row first = f.sql("SELECT payload->>'actor', payload->>'reason', payload->>'new_run_id' FROM events"
        + " WHERE type = 'dead_letter_requeued' ORDER BY seq LIMIT 1");
    assertThat(first.getString(0)).isEqualTo("token:ops");
    assertThat(first.getString(1)).isEqualTo("input fixed");
    assertThat(first.getString(2)).isEqualTo(admin.getString("run_id"));
    JsonObject second = payload("dead_letter_requeued");
    assertThat(second.getString("new_run_id")).isEqualTo(anonymous.getString("run_id"));
    assertThat(second.getString("actor")).isEqualTo("anonymous");
    assertThat(second.containsKey("reason")).isTrue();
    assertThat(second.getValue("reason")).isNull();
  }

  @Test
  void aProjectionRebuildNamesTheActorAndTheReason() {
    f.submitOne("true");
    JsonObject report = request(Addresses.ADMIN_REBUILD_PROJECTIONS, new JsonObject().put("dry_run", false)
        .put("actor", "token:ops").put("actor_token_id", "5b0c7a9e-1f2d-4e3c-8a7b-6c5d4e3f2a1b")
        .put("reason", "restore from backup"));

    assertThat(report.getLong("differences")).isZero();
    JsonObject p = payload("projections_rebuilt");
    assertThat(p.getString("actor")).isEqualTo("token:ops (5b0c7a9e-1f2d-4e3c-8a7b-6c5d4e3f2a1b)");
    assertThat(p.getString("reason")).isEqualTo("restore from backup");
    assertThat(p.getBoolean("dry_run")).isFalse();
    assertThat(f.count("SELECT count(*) FROM events WHERE type = 'projections_rebuilt'")).isEqualTo(1);
  }
}
