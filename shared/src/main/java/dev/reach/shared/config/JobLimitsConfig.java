package dev.reach.shared.config;

import java.util.Locale;

/**
 * The runner's limits for the jobs it runs and how it isolates them. A job's spec may lower a
 * limit ({@code memory_limit_mb}, {@code max_artifact_bytes}, {@code max_artifacts}) but never
 * raise it past the runner's maximum.
 *
 * @param memoryDefaultMb {@code REACH_JOB_MEMORY_DEFAULT_MB}: the memory limit of a job whose spec sets none (0: none)
 * @param memoryMaxMb {@code REACH_JOB_MEMORY_MAX_MB}: the highest memory limit a job may ask for (0: no ceiling)
 * @param memoryEnforcer {@code REACH_JOB_MEMORY_ENFORCER}: {@code auto} (a cgroup when one is usable, else the
 *     sampler), {@code cgroup} (refuse to start without a usable one) or {@code sampler}
 * @param memorySampleMs {@code REACH_JOB_MEMORY_SAMPLE_MS}: how often the sampler measures a job's resident memory
 * @param maxArtifactBytes {@code REACH_JOB_MAX_ARTIFACT_BYTES}: the largest one artifact file may be (default and ceiling)
 * @param maxArtifacts {@code REACH_JOB_MAX_ARTIFACTS}: how many artifact files a job may produce (default and ceiling)
 * @param jobUser {@code REACH_JOB_USER}: the users jobs run as, comma-separated (names, numeric uids or {@code UID:GID}),
 *     one per running job; {@code null}: as the runner
 */
public record JobLimitsConfig(
    int memoryDefaultMb, int memoryMaxMb, String memoryEnforcer, long memorySampleMs, long maxArtifactBytes,
    int maxArtifacts, String jobUser) {
  public static final String AUTO = "auto";
  public static final String CGROUP = "cgroup";
  public static final String SAMPLER = "sampler";

  public static JobLimitsConfig from(EnvReader r) {
    int memDefault = r.intValue("REACH_JOB_MEMORY_DEFAULT_MB", 0, 0, 1 << 20);
    int memMax = r.intValue("REACH_JOB_MEMORY_MAX_MB", 0, 0, 1 << 20);
    if (memMax > 0 && memDefault > memMax) {
      r.problem("REACH_JOB_MEMORY_DEFAULT_MB=" + memDefault + ": must not exceed REACH_JOB_MEMORY_MAX_MB=" + memMax);
    }
    String enforcer = r.string("REACH_JOB_MEMORY_ENFORCER", AUTO).toLowerCase(Locale.ROOT);
    if (!enforcer.equals(AUTO) && !enforcer.equals(CGROUP) && !enforcer.equals(SAMPLER)) {
      r.problem("REACH_JOB_MEMORY_ENFORCER=" + enforcer + ": must be auto, cgroup or sampler");
    }
    long sampleMs = r.longValue("REACH_JOB_MEMORY_SAMPLE_MS", 250, 10, 60_000);
    long artifactBytes = r.longValue("REACH_JOB_MAX_ARTIFACT_BYTES", 1L << 30, 1, 1L << 40);
    int artifacts = r.intValue("REACH_JOB_MAX_ARTIFACTS", 100, 1, 10_000);
    String user = r.string("REACH_JOB_USER", null);
    String one = "(?:[a-z_][a-z0-9_-]{0,31}\\$?|[0-9]{1,10}(?::[0-9]{1,10})?)";
    if (user != null && !user.matches(one + "(?:\\s*,\\s*" + one + ")*")) {
      r.problem("REACH_JOB_USER=" + user + ": must be user names, numeric uids or UID:GID, comma-separated");
    }
    return new JobLimitsConfig(memDefault, memMax, enforcer, sampleMs, artifactBytes, artifacts, user);
  }

  /** Defaults (no memory limit, 1 GiB and 100 artifacts, jobs as the runner's user). */
  public static JobLimitsConfig defaults() {
    return from(new EnvReader(java.util.Map.of()));
  }

  /** The memory limit for a job asking {@code requestedMb} ({@code null}: the default); 0 means none. */
  public long memoryLimitMb(Integer requestedMb) {
    long mb = requestedMb == null ? memoryDefaultMb : requestedMb;
    return memoryMaxMb > 0 && (mb == 0 || mb > memoryMaxMb) ? memoryMaxMb : mb;
  }

  public long artifactBytesFor(Long requested) {
    return requested == null ? maxArtifactBytes : Math.min(requested, maxArtifactBytes);
  }

  public int artifactsFor(Integer requested) {
    return requested == null ? maxArtifacts : Math.min(requested, maxArtifacts);
  }
}
