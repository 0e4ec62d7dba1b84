package dev.reach.cli.drill;

import io.vertx.core.json.JsonObject;

/**
 * The drill job: it takes an exclusive {@code flock} on its own file in the directory every runner
 * shares and stamps its start and end there ({@code start ATTEMPT NANOS}, {@code end ATTEMPT NANOS}); an
 * attempt that finds the lock held — another attempt of the same job still running — stamps {@code
 * overlap} and fails. The stamps are what proves, outside Reach's own records, that no two attempts of a
 * job ran at once.
 */
final class ProbeJob {
  private ProbeJob() {}

  static JsonObject job(String name, String dir, String key, int seconds, int maxLostAttempts) {
    return new JsonObject().put("name", name).put("command", command(dir, key, seconds))
        .put("timeout_seconds", 300).put("max_lost_attempts", maxLostAttempts);
  }

  static String command(String dir, String key, int seconds) {
    String lock = dir + "/" + key + ".lock";
    String stamps = dir + "/" + key + ".stamps";
    return "exec 9>>'" + lock + "'; "
        + "if ! flock -n 9; then echo \"overlap $REACH_ATTEMPT $(date +%s%N)\" >> '" + stamps + "'; exit 99; fi; "
        + "echo \"start $REACH_ATTEMPT $(date +%s%N)\" >> '" + stamps + "'; "
        + "sleep " + seconds + "; "
        + "echo \"end $REACH_ATTEMPT $(date +%s%N)\" >> '" + stamps + "'";
  }

  /** Makes a probe job also write {@code out.txt} (its attempt number) and upload it as an artifact. */
  static JsonObject withArtifact(JsonObject job) {
    return job.put("command", "echo \"$REACH_ATTEMPT\" > out.txt; " + job.getString("command"))
        .put("artifacts", new io.vertx.core.json.JsonArray().add("out.txt"));
  }

  /**
   * A job that SIGKILLs the JVM of the runner it runs on (its nearest {@code java} ancestor), so every
   * attempt is lost with its runner.
   */
  static String poison() {
    return "p=$$; while [ \"$p\" -gt 1 ]; do p=$(awk '{print $4}' /proc/$p/stat); "
        + "if [ \"$(cat /proc/$p/comm 2>/dev/null)\" = java ]; then kill -9 $p; break; fi; done; sleep 30";
  }
}
