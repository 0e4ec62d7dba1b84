package dev.reach.it.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.it.DrillCommand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The compose cluster ({@code docker/docker-compose.yml}: Postgres, two orchestrators, a hub, an
 * artifact store, three runners, each its own container) comes up healthy and runs a job submitted over
 * HTTP; then the container drills run against that one cluster, each through {@code reachctl drill run
 * SCENARIO --target compose} (the same code an operator runs). Skips without a Docker engine
 * (fails instead with {@code REACH_REQUIRE_DOCKER=1}); see {@link ComposeCluster}.
 */
@ExtendWith(ComposeCluster.Condition.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeClusterTest {
  private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED", "QUARANTINED");

  private ComposeCluster cluster;

  @BeforeAll
  void up() throws Exception {
    ComposeCluster.requireDocker();
    cluster = new ComposeCluster();
    try {
      cluster.start();
    } catch (RuntimeException e) {
      cluster.close(); // logs saved, down -v
      throw e;
    }
  }

  @AfterAll
  void down() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void comesUpHealthyAndRunsAJobSubmittedOverHttp() throws Exception {
    // every service was healthy once for up to return; under load one may flap (Hazelcast partition
    // migrations while members join): it must be healthy again within two minutes, and it is reported
    for (String service : ComposeCluster.SERVICES) {
      String now = cluster.health(service);
      double waited = cluster.awaitHealthy(service, Duration.ofMinutes(2));
      if (!"healthy".equals(now)) {
        System.out.printf("COMPOSE %s was %s after up, healthy again %.1f s later%n", service, now, waited);
      }
    }
    assertThat(cluster.get("/health/ready").statusCode()).isEqualTo(200);

    String id = cluster.submit(new JsonObject().put("name", "hello").put("jobs", new JsonArray().add(
        new JsonObject().put("name", "greet").put("command", "echo hello from $(hostname); sleep 1; echo done"))));
    JsonObject run = awaitTerminal(List.of(id), Duration.ofSeconds(90)).get(0);
    JsonObject job = run.getJsonArray("jobs").getJsonObject(0);
    assertThat(job.getString("state")).as(job.encode()).isEqualTo("SUCCEEDED");
    String runner = job.getJsonArray("attempts").getJsonObject(0).getString("runner");
    assertThat(runner).isIn("runner-1", "runner-2", "runner-3");
    HttpResponse<String> log = cluster.getRetrying503("/api/v1/runs/" + id + "/jobs/greet/log", Duration.ofSeconds(60));
    assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
    assertThat(log.body()).contains("hello from ").contains("done");
    System.out.println("COMPOSE job " + id + " SUCCEEDED on " + runner);
  }

  /**
   * {@code reachctl demo --dead-letter run} against the cluster, in this JVM: submit, followed log, artifact
   * sha256, cancel, a job that SIGKILLs its runner container once (quarantined with a dead letter, requeued by
   * the admin, succeeds), audit export and verify; every step ok, exit 0. The killed runner container is
   * restarted by compose; every service is healthy again before the drills.
   */
  @Test
  @Order(2)
  void demoCheckPasses() throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int code = dev.reach.cli.ReachCtl.execute(new String[] {"demo", "--json", "--dead-letter", "run", "--timeout", "240",
        "--api", "http://127.0.0.1:" + cluster.hubPort, "--token", ComposeCluster.ADMIN_TOKEN}, java.util.Map.of(),
        new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
        new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    String stdout = out.toString(java.nio.charset.StandardCharsets.UTF_8);
    String stderr = err.toString(java.nio.charset.StandardCharsets.UTF_8);
    System.out.print(stderr);
    assertThat(stdout).as("demo printed no report; exit " + code + ", stderr:\n" + stderr).startsWith("{");
    JsonObject report = new JsonObject(stdout);
    System.out.println("DEMO " + report.getJsonArray("steps").encode());
    assertThat(code).as(report.encodePrettily()).isZero();
    assertThat(report.getBoolean("ok")).isTrue();
    for (Object o : report.getJsonArray("steps")) {
      assertThat(((JsonObject) o).getString("outcome")).as(((JsonObject) o).encode()).isEqualTo("ok");
    }
    for (String service : ComposeCluster.SERVICES) {
      cluster.awaitHealthy(service, Duration.ofMinutes(3));
    }
  }

  /**
   * Point-in-time restore the way a compose user does it, with reachctl in the tools container
   * ({@code --profile tools run --rm reachctl}): a base backup over a replication connection, two runs, a
   * target time between them, the WAL switched and archived into the pgwal volume, then {@code admin restore
   * --to-time} into a fresh database on the compose server: the run before the target is there, the one
   * after is not, the chain verifies and the projections equal a replay. The live database is untouched.
   */
  @Test
  @Order(3)
  void pointInTimeRestoreWithTheToolsContainer() throws Exception {
    long t0 = System.nanoTime();
    ComposeCluster.Ran build = cluster.compose(Duration.ofMinutes(15), "--profile", "tools", "build", "reachctl");
    assertThat(build.code()).as(build.err()).isZero();
    System.out.printf("COMPOSE tools image built in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    String before = ranToSuccess("pitr-before-backup");
    ComposeCluster.Ran backup = cluster.reachctlInCompose(Duration.ofMinutes(5), "admin", "backup", "--base", "--json");
    assertThat(backup.code()).as(backup.err() + backup.out()).isZero();
    JsonObject m = new JsonObject(backup.out());
    assertThat(m.getString("format")).isEqualTo("pg_basebackup-tar");
    assertThat(m.getLong("event_seq")).as("recorded as backup_taken").isPositive();
    String kept = ranToSuccess("pitr-kept");
    java.time.Instant target = java.time.Instant.now();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> java.time.Instant.now().isAfter(target.plusMillis(5)));
    String lost = ranToSuccess("pitr-lost");
    String segment = cluster.psql("reach", "SELECT pg_walfile_name(pg_switch_wal())");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
        cluster.psql("reach", "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver").compareTo(segment) >= 0);

    ComposeCluster.Ran restore = cluster.reachctlInCompose(Duration.ofMinutes(10), "admin", "restore", m.getString("id"),
        "--to-time", target.toString(), "--into", "reach_pitr", "--json");
    assertThat(restore.code()).as(restore.err() + restore.out()).isZero();
    JsonObject r = new JsonObject(restore.out());
    assertThat(r.getJsonObject("chain").getBoolean("ok")).as(r.encodePrettily()).isTrue();
    assertThat(r.getJsonObject("projections").getBoolean("equal_to_replay")).isTrue();
    assertThat(r.getBoolean("switched")).isFalse();
    String runs = cluster.psql("reach_pitr", "SELECT string_agg(id::text, ',') FROM runs");
    assertThat(runs).contains(before, kept).doesNotContain(lost);
    assertThat(cluster.psql("reach", "SELECT count(*) FROM runs WHERE id = '" + lost + "'")).isEqualTo("1");
    JsonObject pit = r.getJsonObject("point_in_time");
    System.out.printf("COMPOSE point-in-time restore: base backup %s (%d bytes, %d ms), to %s: replay %d ms, recovery %d ms,"
        + " restore %d ms total; %s%n", m.getString("id"), m.getLong("size_bytes"), m.getLong("duration_ms"), target,
        pit.getLong("replay_ms"), pit.getLong("total_ms"), r.getJsonObject("timings_ms").getLong("total"), pit.getString("stopped"));
    cluster.psql("postgres", "DROP DATABASE reach_pitr");
  }

  private String ranToSuccess(String name) throws Exception {
    String id = cluster.submit(new JsonObject().put("name", name).put("jobs", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("name", "a").put("command", "true"))));
    org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() ->
        "SUCCEEDED".equals(cluster.run(id).getJsonArray("jobs").getJsonObject(0).getString("state")));
    return id;
  }

  /**
   * runner-crash through {@code reachctl drill run runner-crash --target compose}: SIGKILL the runner
   * container running the most drill jobs; its attempts are lost and requeued, it is started again.
   */
  @Test
  @Order(4)
  void runnerCrashDrill() {
    drill("runner-crash");
  }

  /** leader-crash: SIGKILL the leading orchestrator's container; the other takes over with a new epoch. */
  @Test
  @Order(5)
  void leaderCrashDrill() {
    JsonObject report = drill("leader-crash");
    assertThat(report.getJsonObject("timings_ms").getLong("detect")).as("takeover").isNotNull();
  }

  /**
   * db-outage: pause the Postgres container for 20 s; submissions get 503 DB_UNAVAILABLE or
   * DB_CIRCUIT_OPEN, running jobs ride through, submissions are accepted again after the unpause.
   */
  @Test
  @Order(6)
  void databaseOutageDrill() {
    JsonObject report = drill("db-outage");
    assertThat(report.getJsonObject("timings_ms").getLong("accepted_again")).isNotNull();
  }

  /**
   * network-partition: disconnect the busiest runner's container from the compose network for 20 s (more
   * than the lease TTL): its attempts are lost and run elsewhere, never two at once; reconnected, it rejoins.
   */
  @Test
  @Order(7)
  void networkPartitionDrill() {
    drill("network-partition");
  }

  /** rolling-restart: every Reach container restarted one by one (SIGTERM, drain), healthy before the next, under load. */
  @Test
  @Order(8)
  void rollingRestartDrill() {
    drill("rolling-restart", 12);
  }

  /**
   * Runs {@code reachctl drill run SCENARIO --target compose --json} in this JVM against the cluster; prints
   * its figures as a DRILL line and fails with the whole report unless the verdict is PASS.
   */
  private JsonObject drill(String scenario) {
    return drill(scenario, 24);
  }

  private JsonObject drill(String scenario, int jobs) {
    return DrillCommand.passes(scenario, "compose", List.of("--project", cluster.project(),
        "--api", "http://127.0.0.1:" + cluster.hubPort, "--token", ComposeCluster.ADMIN_TOKEN, "--jobs", Integer.toString(jobs),
        "--fault-seconds", "20", "--stop-grace-seconds", "15", "--timeout-seconds", "240"));
  }

  private List<JsonObject> awaitTerminal(List<String> runIds, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<JsonObject> runs = List.of();
    while (System.nanoTime() < deadline) {
      try {
        runs = new ArrayList<>();
        for (String id : runIds) {
          runs.add(cluster.run(id));
        }
        boolean done = runs.stream().flatMap(r -> r.getJsonArray("jobs").stream())
            .allMatch(j -> TERMINAL.contains(((JsonObject) j).getString("state")));
        if (done) {
          return runs;
        }
      } catch (java.io.IOException e) {
        // the hub may answer 503 for a moment: ask again
      }
      Thread.sleep(500);
    }
    throw new AssertionError("not every job terminal within " + timeout + ": " + runs);
  }
}
