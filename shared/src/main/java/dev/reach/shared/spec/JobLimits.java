package dev.reach.shared.spec;

import io.vertx.core.json.JsonObject;

/**
 * A job's own resource limits from its spec; each is {@code null} when the spec does not set it,
 * and the runner then applies its default ({@code REACH_JOB_*}). A runner never grants more than
 * its own ceiling: a larger value is lowered to the runner's maximum, and the limit applied is
 * recorded with the attempt's result when it is hit.
 *
 * @param memoryLimitMb {@code memory_limit_mb}: resident memory of all the job's processes together
 * @param maxArtifactBytes {@code max_artifact_bytes}: the largest one artifact file may be
 * @param maxArtifacts {@code max_artifacts}: how many artifact files the job may produce
 */
public record JobLimits(Integer memoryLimitMb, Long maxArtifactBytes, Integer maxArtifacts) {
  public static final JobLimits RUNNER_DEFAULTS = new JobLimits(null, null, null);
  public static final int MIN_MEMORY_LIMIT_MB = 4;
  public static final int MAX_MEMORY_LIMIT_MB = 1 << 20;
  public static final long MAX_ARTIFACT_BYTES = 1L << 40;
  public static final int MAX_ARTIFACTS = 10_000;

  static JobLimits parse(StrictJson in) {
    Long mem = in.optionalLong("memory_limit_mb", MIN_MEMORY_LIMIT_MB, MAX_MEMORY_LIMIT_MB);
    Long bytes = in.optionalLong("max_artifact_bytes", 1, MAX_ARTIFACT_BYTES);
    Long count = in.optionalLong("max_artifacts", 1, MAX_ARTIFACTS);
    return new JobLimits(mem == null ? null : mem.intValue(), bytes, count == null ? null : count.intValue());
  }

  /** Adds the fields that are set (an unset limit is absent from the canonical form). */
  void addTo(JsonObject json) {
    if (memoryLimitMb != null) {
      json.put("memory_limit_mb", memoryLimitMb);
    }
    if (maxArtifactBytes != null) {
      json.put("max_artifact_bytes", maxArtifactBytes);
    }
    if (maxArtifacts != null) {
      json.put("max_artifacts", maxArtifacts);
    }
  }
}
