package dev.reach.it.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.it.DrillCommand;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code reachctl drill run db-restore --target local} against a cluster of separate service JVMs
 * ({@link DrillCluster}: two orchestrators, artifact store, hub, runners, a real Postgres server): with
 * drill jobs running it backs the database up with pg_dump, drops it, restores the backup (new
 * generation, chain verified, projections rebuilt) and switches it in; the drill must PASS — every job
 * accepted before the backup present and terminal with one accepted completion, no overlapping attempts,
 * the chain verifying, projections equal to a replay — and report the recovery time. The cluster, its
 * processes and its directory (the backup with it) are removed also when the drill fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DbRestoreDrillTest {
  private DrillCluster cluster;

  @BeforeAll
  void start() throws Exception {
    cluster = new DrillCluster(Map.of("REACH_OUTAGE_RIDE_THROUGH_MS", "30000"));
    cluster.startRunners(4, "runner-a", "runner-b");
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void dbRestorePasses() {
    JsonObject report = DrillCommand.passes("db-restore", "local", List.of(
        "--api", cluster.api(), "--token", dev.reach.it.ItTokens.ADMIN,
        "--job-dir", cluster.dir.resolve("jobs").toString(), "--jobs", "12", "--timeout-seconds", "180",
        "--fault-seconds", "3", "--db-url", cluster.postgres.url(), "--backup-dir", cluster.dir.resolve("backups").toString()));
    assertThat(report.getJsonObject("timings_ms").getLong("recovery")).isPositive();
    assertThat(report.getJsonObject("timings_ms").getLong("backup")).isNotNull();
    assertThat(report.getJsonObject("figures").getString("generation")).isEqualTo("0 -> 1");
    assertThat(report.encode()).contains("the restored event chain verifies")
        .contains("projections equal a replay of the event log").contains("no submission lost");
  }
}
