package dev.reach.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runner's job limits: defaults, a job's own limit lowered to the runner's ceiling, bad values named. */
class JobLimitsConfigTest {
  private static JobLimitsConfig of(Map<String, String> env) {
    return ReachConfig.from(env, 0).jobLimits();
  }

  @Test
  void defaultsLimitArtifactsButNotMemory() {
    JobLimitsConfig c = of(Map.of());
    assertThat(c.memoryLimitMb(null)).isZero();
    assertThat(c.memoryLimitMb(64)).isEqualTo(64);
    assertThat(c.artifactBytesFor(null)).isEqualTo(1L << 30);
    assertThat(c.artifactsFor(null)).isEqualTo(100);
    assertThat(c.memoryEnforcer()).isEqualTo(JobLimitsConfig.AUTO);
    assertThat(c.jobUser()).isNull();
  }

  @Test
  void aJobMayLowerALimitButNeverRaiseItPastTheRunnersCeiling() {
    JobLimitsConfig c = of(Map.of("REACH_JOB_MEMORY_DEFAULT_MB", "256", "REACH_JOB_MEMORY_MAX_MB", "512",
        "REACH_JOB_MAX_ARTIFACT_BYTES", "1000", "REACH_JOB_MAX_ARTIFACTS", "5"));
    assertThat(c.memoryLimitMb(null)).isEqualTo(256);
    assertThat(c.memoryLimitMb(64)).isEqualTo(64);
    assertThat(c.memoryLimitMb(4096)).isEqualTo(512);
    assertThat(c.artifactBytesFor(10L)).isEqualTo(10);
    assertThat(c.artifactBytesFor(1_000_000L)).isEqualTo(1000);
    assertThat(c.artifactsFor(2)).isEqualTo(2);
    assertThat(c.artifactsFor(50)).isEqualTo(5);
    // a ceiling without a default still caps a job that asks for nothing
    assertThat(of(Map.of("REACH_JOB_MEMORY_MAX_MB", "128")).memoryLimitMb(null)).isEqualTo(128);
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> of(Map.of("REACH_JOB_MEMORY_ENFORCER", "magic", "REACH_JOB_USER", "root; rm",
            "REACH_JOB_MEMORY_DEFAULT_MB", "600", "REACH_JOB_MEMORY_MAX_MB", "500", "REACH_JOB_MAX_ARTIFACTS", "0")))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems())
            .anySatisfy(p -> assertThat(p).startsWith("REACH_JOB_MEMORY_ENFORCER=magic"))
            .anySatisfy(p -> assertThat(p).startsWith("REACH_JOB_USER="))
            .anySatisfy(p -> assertThat(p).startsWith("REACH_JOB_MEMORY_DEFAULT_MB=600"))
            .anySatisfy(p -> assertThat(p).startsWith("REACH_JOB_MAX_ARTIFACTS=0")));
  }
}
