package dev.reach.it.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
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
 * HTTP; then the container drills run against that one cluster. Skips without a Docker engine
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
    for (String service : ComposeCluster.SERVICES) {
      assertThat(cluster.health(service)).as(service).isEqualTo("healthy");
    }
    assertThat(cluster.get("/health/ready").statusCode()).isEqualTo(200);

    String id = cluster.submit(new JsonObject().put("name", "hello").put("jobs", new JsonArray().add(
        new JsonObject().put("name", "greet").put("command", "echo hello from $(hostname); sleep 1; echo done"))));
    JsonObject run = awaitTerminal(List.of(id), Duration.ofSeconds(90)).get(0);
    JsonObject job = run.getJsonArray("jobs").getJsonObject(0);
    assertThat(job.getString("state")).as(job.encode()).isEqualTo("SUCCEEDED");
    String runner = job.getJsonArray("attempts").getJsonObject(0).getString("runner");
    assertThat(runner).isIn("runner-1", "runner-2", "runner-3");
    HttpResponse<String> log = cluster.get("/api/v1/runs/" + id + "/jobs/greet/log");
    assertThat(log.statusCode()).isEqualTo(200);
    assertThat(log.body()).contains("hello from ").contains("done");
    System.out.println("COMPOSE job " + id + " SUCCEEDED on " + runner);
  }

  /**
   * runner-crash: SIGKILL a runner container (the JVM, its watchers and its jobs die with it) while it
   * runs jobs of a workload of short jobs. Every job must end terminal, none may be lost, each has
   * exactly one accepted completion, and no attempt of a job ran while an earlier one still held the
   * job's lock (jobs take an exclusive flock on a file in the volume all runners share and stamp their
   * starts and ends there).
   */
  @Test
  @Order(2)
  void runnerCrashDrill() throws Exception {
    String victim = "runner-2";
    Random random = new Random(42);
    List<String> runIds = new ArrayList<>();
    int submitted = 0;
    for (int r = 0; r < 2; r++) {
      JsonArray jobs = new JsonArray();
      for (int j = 0; j < 12; j++) {
        String key = "rc" + r + "-j" + j;
        jobs.add(new JsonObject().put("name", "j" + j).put("command", probe(key, 2 + random.nextInt(3)))
            .put("timeout_seconds", 120).put("max_lost_attempts", 5));
      }
      runIds.add(cluster.submit(new JsonObject().put("name", "runner-crash-" + r).put("jobs", jobs)));
      submitted += jobs.size();
    }

    // kill the victim while it runs jobs
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int runningOnVictim = 0;
    while (System.nanoTime() < deadline) {
      runningOnVictim = running(fetch(runIds), victim);
      if (runningOnVictim > 0) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(runningOnVictim).as("jobs running on " + victim + " before the kill").isPositive();
    long killedAt = System.currentTimeMillis();
    cluster.kill(victim);
    System.out.println("DRILL runner-crash: SIGKILL " + victim + " container while it ran " + runningOnVictim + " jobs");

    List<JsonObject> runs = awaitTerminal(runIds, Duration.ofMinutes(3));

    // invariants
    int jobsSeen = 0;
    int lostOnVictim = 0;
    long lastLostEnd = killedAt;
    long lastEnd = killedAt;
    Map<String, JsonObject> byKey = new HashMap<>();
    for (int r = 0; r < runs.size(); r++) {
      for (Object o : runs.get(r).getJsonArray("jobs")) {
        JsonObject job = (JsonObject) o;
        jobsSeen++;
        byKey.put("rc" + r + "-" + job.getString("name"), job);
        assertThat(job.getString("state")).as("job " + job.getString("name") + " of run " + r).isIn(TERMINAL);
        assertThat(job.getString("state")).as(job.encode()).isEqualTo("SUCCEEDED");
        JsonArray attempts = job.getJsonArray("attempts");
        long succeeded = attempts.stream().map(a -> ((JsonObject) a).getString("state")).filter("SUCCEEDED"::equals).count();
        assertThat(succeeded).as("accepted completions of " + job.encode()).isEqualTo(1);
        for (Object a : attempts) {
          JsonObject attempt = (JsonObject) a;
          long ended = millis(attempt.getString("ended_at"));
          lastEnd = Math.max(lastEnd, ended);
          if (victim.equals(attempt.getString("runner")) && !"SUCCEEDED".equals(attempt.getString("state"))) {
            lostOnVictim++;
            lastLostEnd = Math.max(lastLostEnd, ended);
          }
        }
      }
    }
    assertThat(jobsSeen).as("jobs the cluster has of the accepted submissions").isEqualTo(submitted);
    assertThat(lostOnVictim).as("attempts lost with " + victim).isGreaterThanOrEqualTo(runningOnVictim);

    Map<String, List<String[]>> perJob = stamps("rc");
    assertThat(perJob.keySet()).as("jobs that left stamps").hasSize(submitted);
    for (Map.Entry<String, List<String[]>> e : perJob.entrySet()) {
      checkNoOverlap(e.getKey(), e.getValue(), byKey.get(e.getKey()), victim, killedAt);
    }

    // the victim restarts (as after a host reboot) and rejoins
    double healthyAfter = restartAndAwaitHealthy(victim);
    System.out.printf("DRILL runner-crash: %d jobs (%d running on %s at the kill), %d attempts lost, 0 jobs lost,"
            + " 0 double completions, 0 overlaps; lost attempts ended %.1f s after the kill (lease TTL %d ms),"
            + " workload finished %.1f s after the kill; %s healthy again %.1f s after its restart%n",
        submitted, runningOnVictim, victim, lostOnVictim, (lastLostEnd - killedAt) / 1000.0, ComposeCluster.LEASE_TTL_MS,
        (lastEnd - killedAt) / 1000.0, victim, healthyAfter);
    assertThat(healthyAfter).isPositive();
  }

  /**
   * leader-crash: SIGKILL the leading orchestrator's container under a workload. The other orchestrator
   * takes over (a new epoch in the leadership row); every job ends SUCCEEDED with one accepted completion
   * and no two attempts of a job overlapping; the killed orchestrator comes back and is healthy.
   */
  @Test
  @Order(3)
  void leaderCrashDrill() throws Exception {
    List<String> runIds = new ArrayList<>();
    int submitted = submitWorkload("lc", 2, 12, runIds);
    awaitRunning(runIds);

    String leader = awaitLeader(Duration.ofSeconds(30));
    String before = cluster.leadership();
    long epochBefore = epochOf(before);
    long killedAt = System.currentTimeMillis();
    cluster.kill(leader);
    System.out.println("DRILL leader-crash: SIGKILL " + leader + " container (leadership " + before + ")");

    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String after = before;
    while (System.nanoTime() < deadline) {
      try {
        after = cluster.leadership();
        if (epochOf(after) > epochBefore) {
          break;
        }
      } catch (java.io.IOException e) {
        // psql may not answer for a moment under load: ask again
      }
      Thread.sleep(100);
    }
    long takeoverMs = System.currentTimeMillis() - killedAt;
    assertThat(epochOf(after)).as("a new leadership epoch after the leader's kill: " + after)
        .isGreaterThan(epochBefore);

    List<JsonObject> runs = awaitTerminal(runIds, Duration.ofMinutes(3));
    Outcome outcome = checkRuns(runs, "lc", submitted, null, killedAt);
    double healthyAfter = restartAndAwaitHealthy(leader);
    System.out.printf("DRILL leader-crash: %d jobs, takeover (kill -> new epoch committed) %d ms, %d attempts lost,"
            + " 0 jobs lost, 0 double completions, 0 overlaps; workload finished %.1f s after the kill; %s healthy"
            + " again %.1f s after its restart%n",
        submitted, takeoverMs, outcome.lostAttempts, (outcome.lastEndMs - killedAt) / 1000.0, leader, healthyAfter);
  }

  /**
   * db-outage: pause the Postgres container (frozen, not stopped) for 20 s under a workload. Submissions
   * answer 503 with DB_UNAVAILABLE or DB_CIRCUIT_OPEN meanwhile; the jobs running ride through on the
   * leader's outage extensions; after the unpause submissions are accepted again and every job ends
   * SUCCEEDED with one accepted completion and no overlap.
   */
  @Test
  @Order(4)
  void databaseOutageDrill() throws Exception {
    List<String> runIds = new ArrayList<>();
    int submitted = submitWorkload("db", 2, 12, runIds);
    awaitRunning(runIds);

    long pausedAt = System.currentTimeMillis();
    cluster.pause("postgres");
    String refused = null;
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      JsonObject probe = new JsonObject().put("name", "during-outage").put("jobs", new JsonArray()
          .add(new JsonObject().put("name", "x").put("command", "true")));
      while (refused == null && System.nanoTime() < deadline) {
        HttpResponse<String> r = cluster.submitOnce(probe);
        if (r.statusCode() == 503) {
          refused = new JsonObject(r.body()).getJsonObject("error").getString("code");
        } else {
          assertThat(r.statusCode()).as("a submission while the database is frozen: " + r.body()).isIn(503, 504);
          Thread.sleep(250);
        }
      }
      long remaining = 20_000 - (System.currentTimeMillis() - pausedAt);
      if (remaining > 0) {
        Thread.sleep(remaining);
      }
    } finally {
      cluster.unpause("postgres");
    }
    long unpausedAt = System.currentTimeMillis();
    assertThat(refused).as("the code a submission is refused with while the database is frozen")
        .isIn("DB_UNAVAILABLE", "DB_CIRCUIT_OPEN");

    // submissions are accepted again (the careful client retries 503s, about once a second)
    String after = cluster.submit(new JsonObject().put("name", "after-outage").put("jobs", new JsonArray()
        .add(new JsonObject().put("name", "x").put("command", "true"))));
    long acceptedAfterMs = System.currentTimeMillis() - unpausedAt;
    runIds.add(after);

    List<JsonObject> runs = awaitTerminal(runIds, Duration.ofMinutes(3));
    Outcome outcome = checkRuns(runs.subList(0, runs.size() - 1), "db", submitted, null, pausedAt);
    System.out.printf("DRILL db-outage: %d jobs, postgres paused %d ms, submissions refused with %s, first submission"
            + " accepted %d ms after the unpause, %d attempts lost, 0 jobs lost, 0 double completions, 0 overlaps;"
            + " workload finished %.1f s after the unpause%n",
        submitted, unpausedAt - pausedAt, refused, acceptedAfterMs, outcome.lostAttempts,
        (outcome.lastEndMs - unpausedAt) / 1000.0);
  }

  /** Starts the killed service's container again unless its restart policy already did; seconds until healthy. */
  private double restartAndAwaitHealthy(String service) throws Exception {
    long restartAt = System.nanoTime();
    if (!cluster.running(service)) {
      cluster.startContainer(service);
    }
    cluster.awaitHealthy(service, Duration.ofMinutes(2));
    return (System.nanoTime() - restartAt) / 1e9;
  }

  /** The epoch of a leadership row as {@link ComposeCluster#leadership()} gives it ({@code epoch|leader_id}). */
  private static long epochOf(String leadership) {
    return Long.parseLong(leadership.split("\\|", 2)[0]);
  }

  /** Submits {@code runs} runs of {@code jobsPerRun} flock-probed jobs of 2–4 s, keys {@code prefix}R-jJ. */
  private int submitWorkload(String prefix, int runs, int jobsPerRun, List<String> runIds) throws Exception {
    Random random = new Random(prefix.hashCode());
    int submitted = 0;
    for (int r = 0; r < runs; r++) {
      JsonArray jobs = new JsonArray();
      for (int j = 0; j < jobsPerRun; j++) {
        jobs.add(new JsonObject().put("name", "j" + j).put("command", probe(prefix + r + "-j" + j, 2 + random.nextInt(3)))
            .put("timeout_seconds", 120).put("max_lost_attempts", 5));
      }
      runIds.add(cluster.submit(new JsonObject().put("name", prefix + "-" + r).put("jobs", jobs)));
      submitted += jobs.size();
    }
    return submitted;
  }

  /** Waits (at most 60 s) until some job of the runs is running. */
  private void awaitRunning(List<String> runIds) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      List<JsonObject> runs = fetch(runIds);
      int running = 0;
      for (String runner : List.of("runner-1", "runner-2", "runner-3")) {
        running += running(runs, runner);
      }
      if (running > 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no job of " + runIds + " running within 60 s");
  }

  private String awaitLeader(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String leader = cluster.leaderService();
      if (leader != null) {
        return leader;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no orchestrator leads: " + cluster.leadership());
  }

  /** What a drill's workload came to. */
  private record Outcome(int lostAttempts, long lastEndMs) {}

  /**
   * Every job of the runs SUCCEEDED with exactly one accepted completion, as many jobs as submitted, and
   * the stamps show no overlap (an attempt may start while an earlier one is open only when that one ran
   * on {@code victimRunner}, killed at {@code faultAtMs}).
   */
  private Outcome checkRuns(List<JsonObject> runs, String prefix, int submitted, String victimRunner, long faultAtMs)
      throws Exception {
    int jobsSeen = 0;
    int lost = 0;
    long lastEnd = faultAtMs;
    Map<String, JsonObject> byKey = new HashMap<>();
    for (int r = 0; r < runs.size(); r++) {
      for (Object o : runs.get(r).getJsonArray("jobs")) {
        JsonObject job = (JsonObject) o;
        jobsSeen++;
        byKey.put(prefix + r + "-" + job.getString("name"), job);
        assertThat(job.getString("state")).as(job.encode()).isEqualTo("SUCCEEDED");
        JsonArray attempts = job.getJsonArray("attempts");
        long succeeded = attempts.stream().map(a -> ((JsonObject) a).getString("state")).filter("SUCCEEDED"::equals).count();
        assertThat(succeeded).as("accepted completions of " + job.encode()).isEqualTo(1);
        for (Object a : attempts) {
          JsonObject attempt = (JsonObject) a;
          lastEnd = Math.max(lastEnd, millis(attempt.getString("ended_at")));
          if ("LOST".equals(attempt.getString("state"))) {
            lost++;
          }
        }
      }
    }
    assertThat(jobsSeen).as("jobs the cluster has of the accepted submissions").isEqualTo(submitted);
    Map<String, List<String[]>> perJob = stamps(prefix);
    assertThat(perJob.keySet()).as("jobs that left stamps").hasSize(submitted);
    for (Map.Entry<String, List<String[]>> e : perJob.entrySet()) {
      checkNoOverlap(e.getKey(), e.getValue(), byKey.get(e.getKey()), victimRunner, faultAtMs);
    }
    return new Outcome(lost, lastEnd);
  }

  /** The stamps of the jobs whose keys start with {@code prefix}, per job key. */
  private Map<String, List<String[]>> stamps(String prefix) throws Exception {
    String stamps = cluster.exec("runner-1", "cd " + ComposeCluster.DRILL_DIR + " && for f in " + prefix + "*.stamps; do"
        + " sed \"s/^/${f%.stamps} /\" \"$f\"; done");
    Map<String, List<String[]>> perJob = new TreeMap<>();
    for (String line : stamps.split("\n")) {
      if (!line.isBlank()) {
        String[] f = line.trim().split(" ");
        perJob.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f);
      }
    }
    return perJob;
  }

  /**
   * A job's stamps ("start A T", "end A T", "overlap A T"; T in ns): no overlap line, and an attempt starts
   * only after the previous one ended — or, for an attempt on the killed runner that never ended, after the kill;
   * with no killed runner ({@code victim} null), an attempt that never stamped its end must be one the
   * orchestrator counted LOST (its watcher killed it at its lease deadline), and the flock shows it was gone.
   */
  private static void checkNoOverlap(String key, List<String[]> lines, JsonObject job, String victim, long killedAtMs) {
    assertThat(lines).as(key + ": an attempt found the job's lock held").noneMatch(f -> f[1].equals("overlap"));
    lines.sort((a, b) -> Long.compare(Long.parseLong(a[3]), Long.parseLong(b[3])));
    Map<String, String> runnerOfAttempt = new HashMap<>();
    Map<String, String> stateOfAttempt = new HashMap<>();
    for (Object a : job.getJsonArray("attempts")) {
      JsonObject attempt = (JsonObject) a;
      runnerOfAttempt.put(Integer.toString(attempt.getInteger("number")), attempt.getString("runner"));
      stateOfAttempt.put(Integer.toString(attempt.getInteger("number")), attempt.getString("state"));
    }
    String open = null;
    for (String[] f : lines) {
      long atMs = Long.parseLong(f[3]) / 1_000_000;
      if (f[1].equals("start")) {
        if (open != null && victim == null) {
          assertThat(stateOfAttempt.get(open)).as(key + ": attempt " + f[2] + " started while attempt " + open
              + " ran").isEqualTo("LOST");
        } else if (open != null) {
          assertThat(runnerOfAttempt.get(open)).as(key + ": attempt " + f[2] + " started while attempt " + open + " ran")
              .isEqualTo(victim);
          assertThat(atMs).as(key + ": attempt " + f[2] + " started before the kill of attempt " + open + "'s runner")
              .isGreaterThan(killedAtMs);
        }
        open = f[2];
      } else if (f[1].equals("end")) {
        assertThat(f[2]).as(key + ": end of an attempt that was not the one running").isEqualTo(open);
        open = null;
      }
    }
    assertThat(open).as(key + ": the last attempt never ended").isNull();
  }

  /** The drill job: an exclusive flock on the job's file in the runners' shared volume, stamps around a sleep. */
  private static String probe(String key, int seconds) {
    String lock = ComposeCluster.DRILL_DIR + "/" + key + ".lock";
    String stamps = ComposeCluster.DRILL_DIR + "/" + key + ".stamps";
    return "exec 9>>'" + lock + "'; "
        + "if ! flock -n 9; then echo \"overlap $REACH_ATTEMPT $(date +%s%N)\" >> '" + stamps + "'; exit 99; fi; "
        + "echo \"start $REACH_ATTEMPT $(date +%s%N)\" >> '" + stamps + "'; "
        + "sleep " + seconds + "; "
        + "echo \"end $REACH_ATTEMPT $(date +%s%N)\" >> '" + stamps + "'";
  }

  private static int running(List<JsonObject> runs, String runner) {
    int n = 0;
    for (JsonObject run : runs) {
      for (Object o : run.getJsonArray("jobs")) {
        for (Object a : ((JsonObject) o).getJsonArray("attempts")) {
          JsonObject attempt = (JsonObject) a;
          if (runner.equals(attempt.getString("runner")) && attempt.getString("started_at") != null
              && attempt.getString("ended_at") == null) {
            n++;
          }
        }
      }
    }
    return n;
  }

  private List<JsonObject> fetch(List<String> runIds) throws Exception {
    List<JsonObject> runs = new ArrayList<>();
    for (String id : runIds) {
      runs.add(cluster.run(id));
    }
    return runs;
  }

  private List<JsonObject> awaitTerminal(List<String> runIds, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<JsonObject> runs = List.of();
    while (System.nanoTime() < deadline) {
      try {
        runs = fetch(runIds);
        boolean done = runs.stream().flatMap(r -> r.getJsonArray("jobs").stream())
            .allMatch(j -> TERMINAL.contains(((JsonObject) j).getString("state")));
        if (done) {
          return runs;
        }
      } catch (java.io.IOException e) {
        // the hub may answer 503 for a moment after a fault: ask again
      }
      Thread.sleep(500);
    }
    throw new AssertionError("not every job terminal within " + timeout + ": " + runs);
  }

  private static long millis(String isoTimestamp) {
    return isoTimestamp == null ? 0 : OffsetDateTime.parse(isoTimestamp).toInstant().toEpochMilli();
  }
}
