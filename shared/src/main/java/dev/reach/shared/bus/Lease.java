package dev.reach.shared.bus;

import dev.reach.shared.spec.JobSpec;
import io.vertx.core.json.JsonObject;

/** One granted lease: the attempt's number and token, and the job's spec. */
public record Lease(String jobId, String runId, String jobName, int attempt, long token, JobSpec spec) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("job_id", jobId)
        .put("run_id", runId)
        .put("job_name", jobName)
        .put("attempt", attempt)
        .put("token", token)
        .put("spec", spec.toJson());
  }

  public static Lease fromJson(JsonObject o) {
    return new Lease(
        Fields.string(o, "job_id"),
        Fields.string(o, "run_id"),
        Fields.string(o, "job_name"),
        Fields.intValue(o, "attempt"),
        Fields.longValue(o, "token"),
        JobSpec.fromJson(Fields.object(o, "spec")));
  }
}
