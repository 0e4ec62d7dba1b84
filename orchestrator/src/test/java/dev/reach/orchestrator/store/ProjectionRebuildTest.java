package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Invariant 3: the current-state tables are projections of the events. A replay of a mixed workload
 * rebuilds every row of runs, jobs, attempts and dead_letters exactly; a dry run lists injected
 * differences row by row and changes nothing; a rebuild swaps the replay's rows in and says so in
 * the event log, naming the actor and the reason.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProjectionRebuildTest {
  private StoreFixture f;
  private ProjectionRebuild rebuild;

  @BeforeEach
  void open() {
    f = new StoreFixture();
    rebuild = new ProjectionRebuild(f.db, ProjectionRebuild.Settings.DEFAULTS);
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void aReplayOfAMixedWorkloadRebuildsEveryRowExactly() {
    MixedWorkload w = new MixedWorkload(f).run();
    assertThat(f.count("SELECT count(DISTINCT state) FROM jobs")).isEqualTo(7); // every job state is there
    assertThat(f.count("SELECT count(*) FROM dead_letters")).isEqualTo(1);
    assertThat(f.count("SELECT count(DISTINCT state) FROM attempts")).isEqualTo(7);

    ProjectionReport check = rebuild.run(true, "token:test", "after the mixed workload").await();

    assertThat(check.total()).as(check.toJson().encodePrettily()).isZero();
    assertThat(check.rows()).isEmpty();
    // row for row, independently of the comparison in SQL
    Map<String, List<String>> live = ProjectionRows.live(f);
    assertThat(ProjectionRows.replayed(f)).isEqualTo(live);
    assertThat(live.get("jobs")).hasSize(w.jobs.size());
    assertThat(check.replayed()).isEqualTo(f.count("SELECT count(*) FROM events") - 1); // all but its own event

    ProjectionReport real = rebuild.run(false, "token:test", "nothing to repair").await();
    assertThat(real.total()).isZero();
    assertThat(real.swapped()).isFalse();
    assertThat(ProjectionRows.live(f)).isEqualTo(live);
    JsonObject event = event(real.eventSeq());
    assertThat(event.getString("type")).isEqualTo("projections_rebuilt");
    assertThat(event.getJsonObject("payload").getString("actor")).isEqualTo("token:test");
    assertThat(event.getJsonObject("payload").getString("reason")).isEqualTo("nothing to repair");
  }

  @Test
  void aDryRunReportsInjectedDifferencesRowByRowAndARebuildRepairsThem() {
    MixedWorkload w = new MixedWorkload(f).run();
    Map<String, List<String>> before = ProjectionRows.live(f);
    UUID running = w.jobs.get("running");
    UUID succeeded = w.jobs.get("succeeded");
    UUID failed = w.jobs.get("failed");
    UUID ghost = UUID.randomUUID();
    f.sql("UPDATE jobs SET reason = 'tampered', lost_attempts = 7 WHERE id = $1", running);
    f.sql("DELETE FROM attempts WHERE job_id = $1", succeeded);
    f.sql("INSERT INTO runs (id, name, fingerprint, job_count) VALUES ($1, 'ghost', 'fp', 1)", ghost);
    // a terminal job rolled back to SUCCEEDED: only possible with the guards off (superuser, tests only)
    f.db.pool().withConnection(conn -> conn.query("SET session_replication_role = replica").execute()
        .compose(v -> conn.preparedQuery("UPDATE jobs SET state = 'SUCCEEDED', exit_code = 0 WHERE id = $1")
            .execute(io.vertx.sqlclient.Tuple.of(failed)))
        .eventually(() -> conn.query("RESET session_replication_role").execute())).await();
    Map<String, List<String>> tampered = ProjectionRows.live(f);

    ProjectionReport dry = rebuild.run(true, "token:ops", "suspicious dashboard").await();

    assertThat(dry.total()).isEqualTo(4);
    assertThat(dry.counts().get("jobs").getLong("changed")).isEqualTo(2);
    assertThat(dry.counts().get("attempts").getLong("missing")).isEqualTo(1);
    assertThat(dry.counts().get("runs").getLong("extra")).isEqualTo(1);
    assertThat(dry.swapped()).isFalse();
    ProjectionReport.RowDifference r = find(dry, "jobs", running.toString());
    assertThat(r.kind()).isEqualTo("changed");
    assertThat(r.columns().fieldNames()).containsExactlyInAnyOrder("reason", "lost_attempts");
    assertThat(r.columns().getJsonObject("lost_attempts").getInteger("live")).isEqualTo(7);
    assertThat(r.columns().getJsonObject("lost_attempts").getInteger("rebuilt")).isZero();
    ProjectionReport.RowDifference rolledBack = find(dry, "jobs", failed.toString());
    assertThat(rolledBack.columns().getJsonObject("state").getString("live")).isEqualTo("SUCCEEDED");
    assertThat(rolledBack.columns().getJsonObject("state").getString("rebuilt")).isEqualTo("FAILED");
    assertThat(find(dry, "attempts", succeeded + "#1").kind()).isEqualTo("missing");
    assertThat(find(dry, "runs", ghost.toString()).kind()).isEqualTo("extra");
    assertThat(ProjectionRows.live(f)).as("a dry run changes nothing").isEqualTo(tampered);

    ProjectionReport fixed = rebuild.run(false, "token:ops", "repair after the incident").await();

    assertThat(fixed.total()).isEqualTo(4);
    assertThat(fixed.swapped()).isTrue();
    assertThat(ProjectionRows.live(f)).isEqualTo(before);
    assertThat(rebuild.run(true, "token:ops", "verify the repair").await().total()).isZero();
    JsonObject payload = event(fixed.eventSeq()).getJsonObject("payload");
    assertThat(payload.getString("actor")).isEqualTo("token:ops");
    assertThat(payload.getString("reason")).isEqualTo("repair after the incident");
    assertThat(payload.getLong("differences")).isEqualTo(4);
    assertThat(event(dry.eventSeq()).getString("type")).isEqualTo("projections_checked");
    // the guards are back on
    assertThatThrownBy(() -> f.sql("UPDATE jobs SET state = 'QUEUED' WHERE id = $1", succeeded))
        .hasMessageContaining("terminal");
    assertThatThrownBy(() -> f.sql("DELETE FROM dead_letters")).hasMessageContaining("never changed");
  }

  @Test
  void oneRebuildAtATime() {
    new MixedWorkload(f).run();
    ProjectionReport[] reports = f.db.pool().withConnection(conn -> conn
            .preparedQuery("SELECT pg_advisory_lock($1)").execute(io.vertx.sqlclient.Tuple.of(ProjectionRebuild.LOCK_KEY))
            .compose(v -> rebuild.run(true, "token:a", "second").transform(ar -> {
              assertThat(ar.failed()).isTrue();
              assertThat(ar.cause()).hasMessageContaining("another projection rebuild is running");
              return conn.preparedQuery("SELECT pg_advisory_unlock($1)")
                  .execute(io.vertx.sqlclient.Tuple.of(ProjectionRebuild.LOCK_KEY));
            })))
        .compose(v -> rebuild.run(true, "token:a", "after").map(r -> new ProjectionReport[] {r})).await();
    assertThat(reports[0].total()).isZero();
  }

  private static ProjectionReport.RowDifference find(ProjectionReport report, String table, String key) {
    return report.rows().stream().filter(d -> d.table().equals(table) && d.key().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError("no difference " + table + " " + key + " in " + report.toJson()));
  }

  private JsonObject event(long seq) {
    Row r = f.sql("SELECT type, payload FROM events WHERE seq = $1", seq);
    Object p = r.getValue("payload");
    return new JsonObject().put("type", r.getString("type"))
        .put("payload", p instanceof JsonObject o ? o : new JsonObject(String.valueOf(p)));
  }
}
