package dev.reach.shared.spec;

import dev.reach.shared.error.ReachException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One job of a run, as submitted and normalised (defaults filled in). {@link #toJson()} is the
 * canonical form stored with the job and in its submission event.
 */
public record JobSpec(
    String name,
    String command,
    Map<String, String> env,
    int timeoutSeconds,
    int maxAttempts,
    int maxLostAttempts,
    List<String> labels,
    List<String> artifacts,
    JobLimits limits) {

  public static final int DEFAULT_TIMEOUT_SECONDS = 3600;
  public static final int MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;
  public static final int DEFAULT_MAX_ATTEMPTS = 1;
  public static final int DEFAULT_MAX_LOST_ATTEMPTS = 3;
  public static final int MAX_COMMAND_LENGTH = 64 * 1024;

  static final Set<String> FIELDS =
      Set.of("name", "command", "env", "timeout_seconds", "max_attempts", "max_lost_attempts", "labels", "artifacts",
          "memory_limit_mb", "max_artifact_bytes", "max_artifacts");
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/=-]{0,63}");

  public JobSpec {
    env = Map.copyOf(env);
    labels = List.copyOf(labels);
    artifacts = List.copyOf(artifacts);
    limits = limits == null ? JobLimits.RUNNER_DEFAULTS : limits;
  }

  /** A job with the runner's default limits. */
  public JobSpec(
      String name, String command, Map<String, String> env, int timeoutSeconds, int maxAttempts, int maxLostAttempts,
      List<String> labels, List<String> artifacts) {
    this(name, command, env, timeoutSeconds, maxAttempts, maxLostAttempts, labels, artifacts, JobLimits.RUNNER_DEFAULTS);
  }

  /** Parses one job strictly; {@code path} prefixes field names in errors (e.g. {@code jobs[0]}). */
  public static JobSpec parse(Object value, String path) {
    if (!(value instanceof JsonObject json)) {
      throw ReachException.invalidSpec(path, "'" + path + "' must be an object");
    }
    StrictJson in = new StrictJson(json, path, FIELDS);
    String name = in.requiredString("name", 100);
    if (!NAME.matcher(name).matches()) {
      throw ReachException.invalidSpec(in.field("name"), "field '" + in.field("name") + "' must match " + NAME.pattern());
    }
    String command = in.requiredString("command", MAX_COMMAND_LENGTH);
    Map<String, String> env = in.optionalStringMap("env", 256, 32 * 1024);
    for (String k : env.keySet()) {
      if (!ENV_NAME.matcher(k).matches()) {
        throw ReachException.invalidSpec(in.field("env") + "." + k, "environment variable name '" + k + "' is not valid");
      }
    }
    int timeout = in.optionalInt("timeout_seconds", DEFAULT_TIMEOUT_SECONDS, 1, MAX_TIMEOUT_SECONDS);
    int maxAttempts = in.optionalInt("max_attempts", DEFAULT_MAX_ATTEMPTS, 1, 100);
    int maxLost = in.optionalInt("max_lost_attempts", DEFAULT_MAX_LOST_ATTEMPTS, 1, 100);
    List<String> labels = in.optionalStrings("labels", 32, 64);
    for (int i = 0; i < labels.size(); i++) {
      if (!LABEL.matcher(labels.get(i)).matches()) {
        String f = in.field("labels") + "[" + i + "]";
        throw ReachException.invalidSpec(f, "label '" + labels.get(i) + "' must match " + LABEL.pattern());
      }
    }
    List<String> artifacts = in.optionalStrings("artifacts", 64, 512);
    for (int i = 0; i < artifacts.size(); i++) {
      String reason = ArtifactNames.problem(artifacts.get(i));
      if (reason != null) {
        String f = in.field("artifacts") + "[" + i + "]";
        throw ReachException.invalidSpec(f, "field '" + f + "' " + reason);
      }
    }
    return new JobSpec(name, command, env, timeout, maxAttempts, maxLost, labels, artifacts, JobLimits.parse(in));
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("name", name)
        .put("command", command)
        .put("env", new JsonObject(new java.util.TreeMap<String, Object>(env)))
        .put("timeout_seconds", timeoutSeconds)
        .put("max_attempts", maxAttempts)
        .put("max_lost_attempts", maxLostAttempts)
        .put("labels", new JsonArray(List.<Object>copyOf(labels)))
        .put("artifacts", new JsonArray(List.<Object>copyOf(artifacts)));
    limits.addTo(json);
    return json;
  }

  /** Reads the canonical form back (trusted: it was validated at submission). */
  public static JobSpec fromJson(JsonObject json) {
    return parse(json, "spec");
  }
}
