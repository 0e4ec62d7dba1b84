package dev.reach.shared.spec;

import dev.reach.shared.error.ReachException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/** A submitted run: a name and its jobs (names unique within the run). Parsed strictly. */
public record RunSpec(String name, List<JobSpec> jobs) {
  public static final int MAX_JOBS = 10_000;
  private static final Set<String> FIELDS = Set.of("name", "jobs");

  public RunSpec {
    jobs = List.copyOf(jobs);
  }

  public static RunSpec parse(JsonObject json) {
    if (json == null) {
      throw ReachException.invalidSpec(null, "request body must be a JSON object");
    }
    StrictJson in = new StrictJson(json, "", FIELDS);
    String name = in.requiredString("name", 200);
    JsonArray arr = in.requiredArray("jobs", 1, MAX_JOBS);
    List<JobSpec> jobs = new ArrayList<>(arr.size());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < arr.size(); i++) {
      JobSpec job = JobSpec.parse(arr.getValue(i), "jobs[" + i + "]");
      if (!names.add(job.name())) {
        throw ReachException.invalidSpec("jobs[" + i + "].name", "field 'jobs[" + i + "].name': job name '" + job.name() + "' is used twice in this run");
      }
      jobs.add(job);
    }
    return new RunSpec(name, jobs);
  }

  public JsonObject toJson() {
    JsonArray arr = new JsonArray();
    jobs.forEach(j -> arr.add(j.toJson()));
    return new JsonObject().put("name", name).put("jobs", arr);
  }

  /** SHA-256 of the canonical form: what an idempotency key is bound to. */
  public String fingerprint() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(toJson().encode().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
