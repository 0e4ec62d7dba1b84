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
import java.util.regex.Pattern;

/**
 * A submitted run: a name and its jobs (names unique within the run), the environment whose stored
 * secrets it gets (default {@value #DEFAULT_ENVIRONMENT}) and its own secrets. Parsed strictly.
 * {@link #toJson()}, the canonical form (stored, in events, fingerprinted), holds secret names only;
 * {@link #submissionJson()} carries the values and is only for the submission message to the
 * orchestrator, which encrypts them.
 */
public record RunSpec(String name, List<JobSpec> jobs, String environment, SecretValues secrets) {
  public static final int MAX_JOBS = 10_000;
  public static final String DEFAULT_ENVIRONMENT = "default";
  public static final Pattern ENVIRONMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Set<String> FIELDS = Set.of("name", "jobs", "environment", "secrets");

  public RunSpec {
    jobs = List.copyOf(jobs);
    environment = environment == null ? DEFAULT_ENVIRONMENT : environment;
    secrets = secrets == null ? SecretValues.NONE : secrets;
  }

  public RunSpec(String name, List<JobSpec> jobs) {
    this(name, jobs, DEFAULT_ENVIRONMENT, SecretValues.NONE);
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
    String environment = in.optionalString("environment", 63, DEFAULT_ENVIRONMENT);
    if (!ENVIRONMENT.matcher(environment).matches()) {
      throw ReachException.invalidSpec("environment", "field 'environment' must match " + ENVIRONMENT.pattern());
    }
    return new RunSpec(name, jobs, environment, SecretValues.parse(in, "secrets"));
  }

  /**
   * The canonical form: secret names only. A run in the default environment without secrets has
   * the form it had before environments and secrets existed (so its fingerprint is unchanged).
   */
  public JsonObject toJson() {
    JsonObject o = base();
    if (!secrets.isEmpty()) {
      o.put("secret_names", secrets.namesJson());
    }
    return o;
  }

  /** The form the hub sends the orchestrator: {@link #parse} reads it back, secret values included. */
  public JsonObject submissionJson() {
    JsonObject o = base();
    if (!secrets.isEmpty()) {
      o.put("secrets", secrets.toJson());
    }
    return o;
  }

  private JsonObject base() {
    JsonArray arr = new JsonArray();
    jobs.forEach(j -> arr.add(j.toJson()));
    JsonObject o = new JsonObject().put("name", name).put("jobs", arr);
    if (!DEFAULT_ENVIRONMENT.equals(environment)) {
      o.put("environment", environment);
    }
    return o;
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
