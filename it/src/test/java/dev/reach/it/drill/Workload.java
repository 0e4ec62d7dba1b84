package dev.reach.it.drill;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The drill workload: runs of jobs that sleep 1–5 s. Each job takes an exclusive {@code flock} on
 * its own lock file (inherited by its sleep) and appends {@code start}/{@code end} stamps with its
 * attempt number; an attempt that starts while any process of an earlier attempt of the same job
 * still holds the lock records {@code overlap} and fails.
 */
final class Workload {
  final Path probes;
  final List<String> runIds = new ArrayList<>();
  int jobs;
  /** Retryable answers a submission got before it was accepted. */
  int retries;
  private final Random random;

  Workload(Path dir, long seed) throws IOException {
    this.probes = Files.createDirectories(dir.resolve("probes"));
    this.random = new Random(seed);
  }

  static String probeCommand(Path probes, String key, int seconds) {
    String lock = probes.resolve(key + ".lock").toString();
    String stamps = probes.resolve(key + ".stamps").toString();
    return "exec 9>>'" + lock + "'; "
        + "if ! flock -n 9; then echo \"overlap $REACH_ATTEMPT $(date +%s%N)\" >> '" + stamps + "'; exit 99; fi; "
        + "echo \"start $REACH_ATTEMPT $(date +%s%N)\" >> '" + stamps + "'; "
        + "sleep " + seconds + "; "
        + "echo \"end $REACH_ATTEMPT $(date +%s%N)\" >> '" + stamps + "'";
  }

  /** Whether no process holds this probe lock any more (no process of that job is alive). */
  static boolean lockFree(Path lock) {
    try {
      Process p = new ProcessBuilder("flock", "-n", lock.toString(), "true").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The JSON of a run of {@code n} probe jobs (not submitted). */
  JsonObject run(String name, int n) {
    JsonArray jobsJson = new JsonArray();
    for (int i = 0; i < n; i++) {
      String job = "j" + i;
      int seconds = 1 + random.nextInt(5);
      jobsJson.add(new JsonObject().put("name", job).put("command", probeCommand(probes, name + "-" + job, seconds))
          .put("timeout_seconds", 120).put("max_lost_attempts", 5));
    }
    return new JsonObject().put("name", name).put("jobs", jobsJson);
  }

  /**
   * Submits and remembers a run, as a careful client does: with an Idempotency-Key, retried on
   * retryable answers (503, 504, no answer) after the Retry-After hint, a bounded number of times.
   * Fails the drill unless the hub finally answered 201 (or 200: the same run, already accepted).
   */
  String submit(DrillCluster cluster, JsonObject run) {
    String key = "drill-" + run.getString("name") + "-" + java.util.UUID.randomUUID();
    HttpResponse<String> r = null;
    for (int tryNo = 1; tryNo <= 30; tryNo++) {
      r = cluster.post("/api/v1/runs", run.encode(), key);
      if (r != null && (r.statusCode() == 201 || r.statusCode() == 200)) {
        break;
      }
      if (r != null && r.statusCode() != 503 && r.statusCode() != 504) {
        break;
      }
      retries++;
      long wait = r == null ? 500 : r.headers().firstValueAsLong("Retry-After").orElse(1) * 1000;
      try {
        Thread.sleep(Math.min(wait, 2_000)); // the server's retry hint, as a client honours it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (r == null || (r.statusCode() != 201 && r.statusCode() != 200)) {
      throw new AssertionError("submission answered " + (r == null ? "nothing" : r.statusCode() + ": " + r.body()));
    }
    String id = new JsonObject(r.body()).getString("id");
    runIds.add(id);
    jobs += run.getJsonArray("jobs").size();
    return id;
  }

  /** Submits {@code runs} runs of {@code perRun} jobs each. */
  void submitAll(DrillCluster cluster, int runs, int perRun) {
    for (int i = 0; i < runs; i++) {
      submit(cluster, run("run" + runIds.size(), perRun));
    }
  }
}
