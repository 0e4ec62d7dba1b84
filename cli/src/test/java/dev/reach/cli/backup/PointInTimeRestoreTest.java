package dev.reach.cli.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.cli.LocalCluster;
import dev.reach.shared.config.DbUrl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code reachctl admin backup --base} and {@code admin restore --to-time} against a real PostgreSQL
 * server with continuous WAL archiving (the machine's server programs, as the compose file configures
 * its server), a local cluster serving from it: a run accepted before the target time is in the
 * restore, one accepted after it is not; the restore is verified like any other; a target the archive
 * does not reach yet fails with the reason and leaves nothing behind; bad targets are usage errors.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class PointInTimeRestoreTest {
  static final String TOKEN = "pitr-test-admin-token-0123456";
  static Path root;
  static Path archive;
  static Path backups;
  static String bin;
  static PgServerProcess source;
  static LocalCluster cluster;
  static String dbUrl;

  /** The directory of the machine's PostgreSQL server programs: REACH_PG_BIN, else the newest /usr/lib/postgresql/N/bin. */
  static String serverBin() throws IOException {
    String env = System.getenv("REACH_PG_BIN");
    if (env != null && Files.isExecutable(Path.of(env, "initdb"))) {
      return env;
    }
    Path lib = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(lib)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(lib)) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparingInt(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
          .map(Path::toString).orElse(null);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    bin = serverBin();
    String missing = "no PostgreSQL server programs (initdb, postgres, pg_basebackup): set REACH_PG_BIN";
    if (System.getenv("REACH_REQUIRE_PG_SERVER") != null) {
      assertThat(bin).as(missing + " (REACH_REQUIRE_PG_SERVER is set)").isNotNull();
    }
    Assumptions.assumeTrue(bin != null, missing);
    root = Files.createTempDirectory("reach-pitr-test-");
    // the server user (postgres, when the tests run as root) must reach the directories below
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    archive = Files.createDirectories(root.resolve("wal-archive"));
    backups = Files.createDirectories(root.resolve("backups"));
    Path data = root.resolve("source");
    ServerUser user = ServerUser.from(Map.of());
    user.own(archive);
    Files.createDirectories(data);
    user.own(data);
    PgTools tools = new PgTools(bin);
    PgTools.Result init = PgTools.exec(user.wrap(List.of(tools.tool("initdb"), "-D", data.toString(), "-U", "reach",
        "--auth=trust", "--no-sync")), null, Duration.ofMinutes(2));
    assertThat(init.ok()).as(init.stderr()).isTrue();
    // as the compose file runs its server: WAL archived segment by segment, never overwriting one
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("wal_level", "replica");
    settings.put("archive_mode", "on");
    settings.put("archive_command", "test ! -f '" + archive + "/%f' && cp '%p' '" + archive + "/%f.part' && mv '"
        + archive + "/%f.part' '" + archive + "/%f'");
    settings.put("max_connections", "200");
    source = PgServerProcess.start(tools, user, data, settings, root.resolve("source.log"));
    DbUrl admin = new DbUrl(PgServerProcess.HOST, source.port(), "postgres", "reach", null);
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
      sql(admin, c -> c.query("CREATE DATABASE reach").execute().await());
      return true;
    });
    dbUrl = "postgresql://reach:unused@" + PgServerProcess.HOST + ":" + source.port() + "/reach";
    cluster = LocalCluster.start(LocalCluster.options().env(Map.of("REACH_TEST_MODE", "true", "REACH_ADMIN_TOKEN", TOKEN))
        .database(dbUrl).tempRoot(root).port(0).runners(1).slots(2));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (source != null) {
      source.close();
    }
    if (root != null) {
      LocalCluster.deleteTree(root);
    }
  }

  static Ran reachctl(String... args) {
    return Ran.reachctl(args, Map.of("REACH_PG_BIN", bin, "REACH_API", cluster.apiUrl(), "REACH_TOKEN", TOKEN));
  }

  static <T> T sql(DbUrl u, Function<PgConnection, T> f) {
    return OnDatabase.query(u, f);
  }

  static DbUrl database(String name) {
    return new DbUrl(PgServerProcess.HOST, source.port(), name, "reach", null);
  }

  static JsonObject http(String method, String path, String body) throws Exception {
    return AdminHttp.json(cluster.apiUrl(), TOKEN, method, path, body);
  }

  /** Submits a one-job run and waits until it succeeded. */
  static String ran(String name) throws Exception {
    String id = http("POST", "/api/v1/runs", new JsonObject().put("name", name).put("jobs", new JsonArray()
        .add(new JsonObject().put("name", "a").put("command", "true"))).encode()).getString("id");
    await().atMost(Duration.ofSeconds(60)).until(() ->
        "SUCCEEDED".equals(http("GET", "/api/v1/runs/" + id, null).getJsonArray("jobs").getJsonObject(0).getString("state")));
    return id;
  }

  static Set<String> runNames(String db) {
    return sql(database(db), c -> {
      Set<String> names = new HashSet<>();
      c.query("SELECT name FROM runs").execute().await().forEach(r -> names.add(r.getString("name")));
      return names;
    });
  }

  /** Switches to a new WAL segment and waits until the one holding everything so far is archived. */
  static void archiveEverything() {
    String segment = sql(database("reach"), c -> c.query("SELECT pg_walfile_name(pg_switch_wal()) AS f").execute().await()
        .iterator().next().getString("f"));
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.isRegularFile(archive.resolve(segment)));
  }

  /** Waits until the server has archived the history file of backup {@code id} (it does so right after the backup). */
  static void awaitStartArchived(String id) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      try (Stream<Path> s = Files.list(archive)) {
        return s.filter(p -> p.getFileName().toString().endsWith(".backup")).anyMatch(p -> {
          try {
            return Files.readString(p).contains("LABEL: reach " + id + "\n");
          } catch (IOException e) {
            return false;
          }
        });
      }
    });
  }

  static List<String> scratchLeft(Path scratch) throws IOException {
    if (!Files.isDirectory(scratch)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(scratch)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  @Test
  void aBaseBackupRestoresToAPointInTimeFromTheWalArchiveAndToItsOwnEnd() throws Exception {
    ran("before-backup");
    Ran backup = reachctl("admin", "backup", "--base", "--out", backups.toString(), "--db-url", dbUrl, "--json");
    assertThat(backup.code()).as(backup.err() + backup.out()).isZero();
    JsonObject m = backup.json();
    assertThat(m.getString("format")).isEqualTo("pg_basebackup-tar");
    assertThat(m.getString("status")).isEqualTo("ok");
    assertThat(m.getLong("event_seq")).as("recorded as backup_taken").isPositive();
    Path at = Path.of(m.getString("dir"));
    assertThat(at.resolve("base.tar.gz")).isRegularFile();
    assertThat(at.resolve("pg_wal.tar.gz")).isRegularFile();
    Ran list = reachctl("admin", "backup", "list", "--out", backups.toString());
    assertThat(list.out()).contains(m.getString("id")).contains("base");

    String kept = ran("after-backup-before-target");
    Instant target = Instant.now();
    // the next commit must come after the target time (the clock's resolution is microseconds)
    await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(target.plusMillis(5)));
    String lost = ran("after-target");
    archiveEverything();

    Path scratch = root.resolve("scratch");
    Ran restore = reachctl("admin", "restore", m.getString("id"), "--out", backups.toString(), "--db-url", dbUrl,
        "--to-time", target.toString(), "--wal-archive", archive.toString(), "--scratch", scratch.toString(),
        "--into", "reach_pitr", "--json");
    assertThat(restore.code()).as(restore.err() + restore.out()).isZero();
    JsonObject r = restore.json();
    assertThat(r.getBoolean("ok")).isTrue();
    assertThat(r.getJsonObject("chain").getBoolean("ok")).as(r.encodePrettily()).isTrue();
    assertThat(r.getJsonObject("projections").getBoolean("equal_to_replay")).isTrue();
    assertThat(r.getLong("generation")).isEqualTo(r.getLong("generation_before") + 1);
    assertThat(r.getBoolean("switched")).isFalse();
    JsonObject pit = r.getJsonObject("point_in_time");
    assertThat(pit.getString("to_time")).isEqualTo(target.toString());
    assertThat(pit.getString("base_backup")).isEqualTo(m.getString("id"));
    assertThat(Instant.parse(pit.getString("last_replayed_commit_at"))).isBeforeOrEqualTo(target);
    assertThat(pit.getString("stopped")).as(pit.encodePrettily()).startsWith("recovery stopping before ");
    assertThat(pit.getInteger("wal_files_copied")).isPositive();
    assertThat(runNames("reach_pitr")).contains("before-backup", "after-backup-before-target").doesNotContain("after-target");
    Long keptRows = sql(database("reach_pitr"), c -> c.preparedQuery("SELECT count(*) FROM runs WHERE id = $1")
        .execute(Tuple.of(java.util.UUID.fromString(kept))).await().iterator().next().getLong(0));
    assertThat(keptRows).isEqualTo(1);
    String recorded = sql(database("reach_pitr"), c -> c.query("SELECT payload->>'to_time' AS t FROM events"
        + " WHERE type = 'database_restored'").execute().await().iterator().next().getString("t"));
    assertThat(recorded).isEqualTo(target.toString());
    assertThat(scratchLeft(scratch)).as("the scratch server's directory is removed").isEmpty();
    // the live database never saw any of it
    assertThat(runNames("reach")).contains("after-target");
    assertThat(lost).isNotBlank();

    // without --to-time: the base backup's own end (no archive), so neither later run is in it
    Ran own = reachctl("admin", "restore", m.getString("id"), "--out", backups.toString(), "--db-url", dbUrl,
        "--scratch", scratch.toString(), "--into", "reach_base_end");
    assertThat(own.code()).as(own.err() + own.out()).isZero();
    assertThat(own.out()).contains("point in time: the end of the base backup");
    assertThat(runNames("reach_base_end")).contains("before-backup").doesNotContain("after-backup-before-target", "after-target");
  }

  @Test
  void aTimeTheArchiveDoesNotReachFailsWithTheReasonAndLeavesNothing() throws Exception {
    Ran backup = reachctl("admin", "backup", "--base", "--out", backups.toString(), "--db-url", dbUrl, "--json");
    assertThat(backup.code()).as(backup.err()).isZero();
    String id = backup.json().getString("id");
    awaitStartArchived(id);
    ran("not-archived-yet");
    // no segment switch: what committed after the backup is in no archived segment
    Instant target = Instant.now();
    Path scratch = root.resolve("scratch-unreached");
    Ran restore = reachctl("admin", "restore", id, "--out", backups.toString(), "--db-url", dbUrl, "--to-time",
        target.toString(), "--wal-archive", archive.toString(), "--scratch", scratch.toString(), "--into", "reach_unreached");
    assertThat(restore.code()).as(restore.out()).isEqualTo(1);
    assertThat(restore.err()).contains("does not reach " + target).contains("recovery ended before configured recovery target");
    assertThat(scratchLeft(scratch)).isEmpty();
    // an archive that is not this server's (here: empty) holds no start of the backup
    Path other = Files.createDirectories(root.resolve("other-archive"));
    Ran wrong = reachctl("admin", "restore", id, "--out", backups.toString(), "--db-url", dbUrl, "--to-time",
        target.toString(), "--wal-archive", other.toString(), "--scratch", scratch.toString(), "--into", "reach_unreached");
    assertThat(wrong.code()).as(wrong.out()).isEqualTo(1);
    assertThat(wrong.err()).contains("holds no start of base backup " + id);
    assertThat(scratchLeft(scratch)).isEmpty();
    Long created = sql(database("postgres"), c -> c.query("SELECT count(*) FROM pg_database WHERE datname = 'reach_unreached'")
        .execute().await().iterator().next().getLong(0));
    assertThat(created).isZero();
  }

  @Test
  void badTargetsAreUsageErrorsNamingTheOption() {
    Ran base = reachctl("admin", "backup", "--base", "--out", backups.toString(), "--db-url", dbUrl, "--json");
    assertThat(base.code()).as(base.err()).isZero();
    JsonObject m = base.json();
    Ran dump = reachctl("admin", "backup", "--out", backups.toString(), "--db-url", dbUrl, "--json");
    assertThat(dump.code()).as(dump.err()).isZero();
    List<String[]> cases = new ArrayList<>();
    cases.add(new String[] {m.getString("id"), "--to-time", "yesterday", "--wal-archive", archive.toString()});
    cases.add(new String[] {m.getString("id"), "--to-time", Instant.parse(m.getString("restorable_from")).minusSeconds(1)
        .toString(), "--wal-archive", archive.toString()});
    cases.add(new String[] {m.getString("id"), "--to-time", Instant.now().plusSeconds(3600).toString(), "--wal-archive",
        archive.toString()});
    cases.add(new String[] {m.getString("id"), "--to-time", Instant.now().toString()});
    cases.add(new String[] {dump.json().getString("id"), "--to-time", Instant.now().toString(), "--wal-archive",
        archive.toString()});
    cases.add(new String[] {m.getString("id"), "--to-time", Instant.now().toString(), "--wal-archive", archive.toString(),
        "--into", "Not-A-Name"});
    cases.add(new String[] {m.getString("id"), "--to-time", Instant.now().toString(), "--wal-archive", archive.toString(),
        "--into", "reach"});
    List<String> said = new ArrayList<>();
    for (String[] c : cases) {
      List<String> args = new ArrayList<>(List.of("admin", "restore"));
      args.addAll(List.of(c));
      args.addAll(List.of("--out", backups.toString(), "--db-url", dbUrl));
      Ran r = reachctl(args.toArray(String[]::new));
      assertThat(r.code()).as(String.join(" ", c) + ": " + r.err()).isEqualTo(2);
      said.add(r.err());
    }
    assertThat(said.get(0)).contains("--to-time").contains("not an ISO-8601 time");
    assertThat(said.get(1)).contains("--to-time").contains("before the end of base backup");
    assertThat(said.get(2)).contains("--to-time").contains("in the future");
    assertThat(said.get(3)).contains("--wal-archive");
    assertThat(said.get(4)).contains("--to-time").contains("is a pg_dump");
    assertThat(said.get(5)).contains("--into").contains("lowercase letters");
    assertThat(said.get(6)).contains("--into").contains("exists already");
  }
}
