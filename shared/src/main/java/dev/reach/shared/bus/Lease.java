package dev.reach.shared.bus;

import dev.reach.shared.spec.JobSpec;
import dev.reach.shared.spec.SecretValues;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One granted lease: the attempt's number and token, the job's spec, and the run's secrets
 * (its environment's stored ones with its own over them, decrypted for this delivery only). A
 * secret that could not be decrypted is named in {@code secretsUnavailable} and the job must not run.
 */
public record Lease(String jobId, String runId, String jobName, int attempt, long token, JobSpec spec,
    SecretValues secrets, List<String> secretsUnavailable) {

  public Lease {
    secrets = secrets == null ? SecretValues.NONE : secrets;
    secretsUnavailable = secretsUnavailable == null ? List.of() : List.copyOf(secretsUnavailable);
  }

  public Lease(String jobId, String runId, String jobName, int attempt, long token, JobSpec spec) {
    this(jobId, runId, jobName, attempt, token, spec, SecretValues.NONE, List.of());
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject()
        .put("job_id", jobId)
        .put("run_id", runId)
        .put("job_name", jobName)
        .put("attempt", attempt)
        .put("token", token)
        .put("spec", spec.toJson());
    if (!secrets.isEmpty()) {
      o.put("secrets", secrets.toJson());
    }
    if (!secretsUnavailable.isEmpty()) {
      o.put("secrets_unavailable", new JsonArray(new ArrayList<Object>(secretsUnavailable)));
    }
    return o;
  }

  public static Lease fromJson(JsonObject o) {
    List<String> unavailable = new ArrayList<>();
    if (o.getValue("secrets_unavailable") instanceof JsonArray a) {
      a.forEach(n -> unavailable.add(String.valueOf(n)));
    }
    return new Lease(
        Fields.string(o, "job_id"),
        Fields.string(o, "run_id"),
        Fields.string(o, "job_name"),
        Fields.intValue(o, "attempt"),
        Fields.longValue(o, "token"),
        JobSpec.fromJson(Fields.object(o, "spec")),
        SecretValues.fromJson(o.getValue("secrets"), "secrets"),
        unavailable);
  }
}
