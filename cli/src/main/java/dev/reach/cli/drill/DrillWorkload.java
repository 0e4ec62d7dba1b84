package dev.reach.cli.drill;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * What a drill submits: runs of {@link ProbeJob}s of 2–4 s (at most {@link #JOBS_PER_RUN} per run),
 * each job keyed {@code DRILL-rR-jJ} for its stamp file, and what became of every accepted submission.
 */
final class DrillWorkload {
  static final int JOBS_PER_RUN = 12;
  static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED", "QUARANTINED");
  /** Lost attempts a drill job may have before it is quarantined: more than any one drill loses. */
  static final int MAX_LOST_ATTEMPTS = 5;

  private final HubClient hub;
  private final String drillId;
  private final String jobDir;
  private final Random random;
  /** Every accepted run, in submission order, with the key prefix of its jobs' stamp files. */
  private final List<Submitted> runs = new ArrayList<>();
  private int jobs;
  private int tries;
  private String poisonRun;
  /** Every how many probe jobs one also uploads an artifact (0: none). */
  private int artifactEvery;

  private record Submitted(String id, String prefix) {}

  DrillWorkload(HubClient hub, String drillId, String jobDir, long seed) {
    this.hub = hub;
    this.drillId = drillId;
    this.jobDir = jobDir;
    this.random = new Random(seed);
  }

  /** From now on every {@code n}-th probe job also writes {@code out.txt} and uploads it as an artifact. */
  void withArtifacts(int n) {
    this.artifactEvery = n;
  }

  /** Submits {@code n} probe jobs in runs of at most {@link #JOBS_PER_RUN}. */
  void submitJobs(int n) {
    int left = n;
    while (left > 0) {
      int size = Math.min(JOBS_PER_RUN, left);
      submitRun(size, null);
      left -= size;
    }
  }

  /** Submits (retrying while the hub or database is away) one run of {@code size} probe jobs, plus {@code extra}; its id. */
  String submitRun(int size, JsonObject extra) {
    Prepared p = prepare(size, extra);
    String id = hub.submit(p.run, p.key);
    accepted(id, p, extra != null);
    return id;
  }

  /**
   * A run of {@code size} probe jobs to submit under its own idempotency key: tried once during a fault
   * ({@link #tryOnce}), and after a refusal submitted again under the same key ({@link #submit(Prepared)}),
   * as a careful client does — a refused write may still have committed (a frozen database that resumes).
   */
  Prepared prepareRun(int size) {
    return prepare(size, null);
  }

  /** One try of {@code p}, no retry: its id once accepted, or the API's refusal is thrown. */
  String tryOnce(Prepared p) {
    String id = hub.submitOnce(p.run, p.key).body().getString("id");
    accepted(id, p, false);
    return id;
  }

  /** {@code p} submitted (again) under its key, retried while the cluster recovers; its id. */
  String submit(Prepared p) {
    String id = hub.submit(p.run, p.key);
    accepted(id, p, false);
    return id;
  }

  /** A run ready to submit: its body, stamp prefix, job count and idempotency key. */
  record Prepared(JsonObject run, String prefix, int jobs, String key) {}

  private synchronized Prepared prepare(int size, JsonObject extra) {
    // a fresh prefix per try: a try whose answer was lost may still run, and must not share stamp files
    String prefix = drillId + "-s" + (tries++);
    JsonArray list = new JsonArray();
    for (int j = 0; j < size; j++) {
      JsonObject job = ProbeJob.job("j" + j, jobDir, prefix + "-j" + j, 2 + random.nextInt(3), MAX_LOST_ATTEMPTS);
      if (artifactEvery > 0 && (jobs + j) % artifactEvery == 0) {
        ProbeJob.withArtifact(job);
      }
      list.add(job);
    }
    if (extra != null) {
      list.add(extra);
    }
    return new Prepared(new JsonObject().put("name", prefix).put("jobs", list), prefix, list.size(), "drill-" + prefix);
  }

  private void accepted(String id, Prepared p, boolean poison) {
    accepted(id, p.prefix, p.jobs, poison);
  }

  /**
   * Records that the hub accepted the run {@code id} of {@code jobs} jobs whose stamp files are keyed
   * {@code prefix-JOB} ({@code poison}: it carries the poison job); the same run again (its idempotency
   * key answered with the first run's id) is not counted twice. Package-private so that the checks can
   * be tested on synthetic runs without a hub.
   */
  synchronized void accepted(String id, String prefix, int jobs, boolean poison) {
    if (runs.stream().anyMatch(r -> r.id.equals(id))) {
      return;
    }
    runs.add(new Submitted(id, prefix));
    this.jobs += jobs;
    if (poison) {
      poisonRun = id;
    }
  }

  /** The stamp-file key of job {@code job} of the run {@code runId}. */
  synchronized String key(String runId, String job) {
    for (Submitted s : runs) {
      if (s.id.equals(runId)) {
        return s.prefix + "-" + job;
      }
    }
    throw new IllegalArgumentException("not a run of this drill: " + runId);
  }

  String stampPrefix() {
    return drillId + "-";
  }

  synchronized List<String> runIds() {
    return runs.stream().map(Submitted::id).toList();
  }

  synchronized int submittedJobs() {
    return jobs;
  }

  synchronized String poisonRun() {
    return poisonRun;
  }

  List<JsonObject> fetch() {
    List<JsonObject> out = new ArrayList<>();
    for (String id : runIds()) {
      out.add(hub.run(id));
    }
    return out;
  }

  /** Attempts that run right now (started, not ended), per runner id. */
  static java.util.Map<String, Integer> runningByRunner(List<JsonObject> runs) {
    java.util.Map<String, Integer> out = new java.util.TreeMap<>();
    for (JsonObject run : runs) {
      for (Object o : run.getJsonArray("jobs")) {
        for (Object a : ((JsonObject) o).getJsonArray("attempts", new JsonArray())) {
          JsonObject attempt = (JsonObject) a;
          if (attempt.getString("runner") != null && attempt.getString("started_at") != null
              && attempt.getString("ended_at") == null) {
            out.merge(attempt.getString("runner"), 1, Integer::sum);
          }
        }
      }
    }
    return out;
  }

  /** Waits until some attempt runs; the runs as they were then. */
  List<JsonObject> awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<JsonObject> runs = fetch();
      if (!runningByRunner(runs).isEmpty()) {
        return runs;
      }
      Thread.sleep(200);
    }
    throw new DrillException("no drill job started within " + timeout.toSeconds() + " s: are runners up?");
  }

  /** Waits until every job is terminal; the runs then, or as they were at the timeout. */
  List<JsonObject> awaitTerminal(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<JsonObject> runs = fetch();
    while (!allTerminal(runs) && System.nanoTime() < deadline) {
      Thread.sleep(500);
      runs = fetch();
    }
    return runs;
  }

  static boolean allTerminal(List<JsonObject> runs) {
    return runs.stream().flatMap(r -> r.getJsonArray("jobs").stream())
        .allMatch(j -> TERMINAL.contains(((JsonObject) j).getString("state")));
  }
}
