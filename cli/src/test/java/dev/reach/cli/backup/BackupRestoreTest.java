package dev.reach.cli.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.cli.LocalCluster;
import dev.reach.shared.config.DbUrl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reachctl admin backup}, {@code admin backup list} and {@code admin restore} against a local
 * cluster on embedded Postgres with the machine's pg_dump / pg_restore: a backup is a pg_dump with a
 * manifest naming its last event, recorded as {@code backup_taken}; a failed one is recorded as
 * {@code backup_failed} and raises the alert; a restore goes into a fresh database, bumps the generation,
 * verifies the chain, rebuilds the projections and names the jobs in flight at the restore point.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BackupRestoreTest {
  static final String TOKEN = "backup-test-admin-token-0123";
  @TempDir static Path tmp;
  static LocalCluster cluster;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(LocalCluster.options().env(Map.of("REACH_TEST_MODE", "true", "REACH_ADMIN_TOKEN", TOKEN))
        .tempRoot(tmp).port(0).runners(1).slots(2));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static Ran reachctl(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--api", cluster.apiUrl(), "--token", TOKEN));
    return reachctlNoApi(all.toArray(String[]::new));
  }

  static Ran reachctlNoApi(String... args) {
    return Ran.reachctl(args, Map.of());
  }

  static JsonObject http(String method, String path, String body) throws Exception {
    return AdminHttp.json(cluster.apiUrl(), TOKEN, method, path, body);
  }

  static List<JsonObject> events(String type) throws Exception {
    return AdminHttp.text(cluster.apiUrl(), TOKEN, "/admin/api/events").lines().map(JsonObject::new).filter(l -> type.equals(l.getString("type"))).toList();
  }

  static String dbUrl() {
    return cluster.reachDbUrl();
  }

  static String submit(String name, String command) throws Exception {
    return http("POST", "/api/v1/runs", new JsonObject().put("name", name).put("jobs", new JsonArray()
        .add(new JsonObject().put("name", "a").put("command", command))).encode()).getString("id");
  }

  static String jobState(String runId) throws Exception {
    return http("GET", "/api/v1/runs/" + runId, null).getJsonArray("jobs").getJsonObject(0).getString("state");
  }

  static <T> T onDatabase(String database, java.util.function.Function<PgConnection, T> f) {
    DbUrl u = DbUrl.parse(dbUrl());
    return OnDatabase.query(new DbUrl(u.host(), u.port(), database, u.user(), u.password()), f);
  }

  @Test
  void aBackupIsListedAndRestoresIntoAFreshDatabaseWithANewGenerationAndItsInFlightJobsNamed() throws Exception {
    Path dir = tmp.resolve("backups-1");
    String done = submit("done", "true");
    await().atMost(Duration.ofSeconds(60)).until(() -> "SUCCEEDED".equals(jobState(done)));
    String running = submit("running", "sleep 60");
    await().atMost(Duration.ofSeconds(60)).until(() -> "RUNNING".equals(jobState(running)));

    Ran backup = reachctl("admin", "backup", "--out", dir.toString(), "--db-url", dbUrl(), "--json");
    assertThat(backup.code()).as(backup.err()).isZero();
    JsonObject m = backup.json();
    assertThat(m.getString("status")).isEqualTo("ok");
    assertThat(m.getLong("size_bytes")).isPositive();
    assertThat(m.getLong("last_event_seq")).isPositive();
    assertThat(m.getLong("db_generation")).isZero();
    assertThat(m.getString("format")).isEqualTo("pg_dump-custom");
    Path at = Path.of(m.getString("dir"));
    assertThat(at.resolve("reach.dump")).isRegularFile();
    assertThat(new JsonObject(Files.readString(at.resolve("manifest.json"))).getLong("last_event_seq"))
        .isEqualTo(m.getLong("last_event_seq"));
    assertThat(m.getLong("event_seq")).isPositive();
    List<JsonObject> taken = events("backup_taken");
    assertThat(taken).anySatisfy(e -> {
      assertThat(e.getJsonObject("payload").getString("backup_id")).isEqualTo(m.getString("id"));
      assertThat(e.getJsonObject("payload").getString("actor")).isNotBlank();
      // the backup_taken event is after the dump's snapshot: not in the dump
      assertThat(e.getLong("seq")).isGreaterThan(m.getLong("last_event_seq"));
    });

    Ran text = reachctlNoApi("admin", "backup", "list", "--out", dir.toString());
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out()).contains(m.getString("id")).contains("#" + m.getLong("last_event_seq")).contains("ok");
    Ran list = reachctlNoApi("admin", "backup", "list", "--out", dir.toString(), "--json");
    assertThat(list.json().getJsonArray("backups")).hasSize(1);

    // the live database exists: the restore goes into a fresh one and is not switched in
    String fresh = "reach_restore_test_" + ProcessHandle.current().pid();
    Ran restore = reachctlNoApi("admin", "restore", m.getString("id"), "--out", dir.toString(), "--db-url", dbUrl(),
        "--into", fresh, "--json");
    assertThat(restore.code()).as(restore.err() + restore.out()).isZero();
    JsonObject r = restore.json();
    assertThat(r.getBoolean("ok")).isTrue();
    assertThat(r.getLong("generation_before")).isZero();
    assertThat(r.getLong("generation")).isEqualTo(1);
    assertThat(r.getJsonObject("chain").getBoolean("ok")).as(r.encodePrettily()).isTrue();
    assertThat(r.getJsonObject("projections").getBoolean("equal_to_replay")).isTrue();
    assertThat(r.getBoolean("switched")).isFalse();
    assertThat(r.getString("next")).contains(fresh);
    JsonArray inFlight = r.getJsonArray("in_flight");
    assertThat(inFlight).hasSize(1);
    assertThat(inFlight.getJsonObject(0).getString("run_id")).isEqualTo(running);
    assertThat(inFlight.getJsonObject(0).getString("then")).contains("requeued");

    String[] restored = onDatabase(fresh, c -> {
      Row row = c.query("SELECT reach_generation() AS g, (SELECT count(*) FROM runs) AS runs,"
          + " (SELECT count(*) FROM events WHERE type = 'database_restored') AS restored,"
          + " (SELECT max(seq) FROM events WHERE type <> 'database_restored' AND type <> 'projections_rebuilt') AS last")
          .execute().await().iterator().next();
      return new String[] {row.getLong("g").toString(), row.getLong("runs").toString(), row.getLong("restored").toString()};
    });
    assertThat(restored[0]).isEqualTo("1");
    assertThat(Long.parseLong(restored[1])).isEqualTo(2);
    assertThat(restored[2]).isEqualTo("1");
    // the live cluster never saw any of it
    assertThat(jobState(running)).isEqualTo("RUNNING");

    // a restore never goes into a database that exists
    Ran again = reachctlNoApi("admin", "restore", m.getString("id"), "--out", dir.toString(), "--db-url", dbUrl(),
        "--into", fresh);
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("exists already");
    http("POST", "/api/v1/runs/" + running + "/cancel", "{}");
  }

  @Test
  void aFailedBackupIsRecordedAsBackupFailedAndRaisesTheAlert() throws Exception {
    Path dir = tmp.resolve("backups-2");
    DbUrl u = DbUrl.parse(dbUrl());
    String missing = "postgresql://" + u.user() + ":" + u.password() + "@" + u.host() + ":" + u.port() + "/no_such_database";
    Ran backup = reachctl("admin", "backup", "--out", dir.toString(), "--db-url", missing);
    assertThat(backup.code()).isEqualTo(1);
    assertThat(backup.err()).contains("failed").contains("backup_failed alert");
    assertThat(events("backup_failed")).anySatisfy(e ->
        assertThat(e.getJsonObject("payload").getJsonObject("detail").getString("error")).contains("no_such_database"));
    Path alerts = cluster.dataDir().resolve("state").resolve("alerts-orchestrator.json");
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.isRegularFile(alerts)
        && new JsonObject(Files.readString(alerts)).getJsonObject("alerts").containsKey("backup_failed"));
    Ran list = reachctlNoApi("admin", "backup", "list", "--out", dir.toString(), "--json");
    assertThat(list.json().getJsonArray("backups").getJsonObject(0).getString("status")).isEqualTo("failed");
    // a failed backup cannot be restored
    String id = list.json().getJsonArray("backups").getJsonObject(0).getString("id");
    Ran restore = reachctlNoApi("admin", "restore", id, "--out", dir.toString(), "--db-url", dbUrl());
    assertThat(restore.code()).isEqualTo(2);
    assertThat(restore.err()).contains("not usable");
  }
}
