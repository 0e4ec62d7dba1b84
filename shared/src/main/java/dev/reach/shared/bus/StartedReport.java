package dev.reach.shared.bus;

import io.vertx.core.json.JsonObject;

/** The runner started the attempt's process: commits {@code LEASED -> RUNNING}. */
public record StartedReport(String jobId, long token, String runnerId, long spawnedAtMs) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("job_id", jobId)
        .put("token", token)
        .put("runner_id", runnerId)
        .put("spawned_at_ms", spawnedAtMs);
  }

  public static StartedReport fromJson(JsonObject o) {
    return new StartedReport(
        Fields.string(o, "job_id"), Fields.longValue(o, "token"), Fields.string(o, "runner_id"), Fields.longValue(o, "spawned_at_ms"));
  }
}
