package dev.reach.shared.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A job's own limits in its spec: optional, bounded, refused by field name, kept in the canonical form. */
class JobLimitsSpecTest {
  private static JobSpec job(String extra) {
    return JobSpec.parse(new JsonObject("{\"name\":\"a\",\"command\":\"true\"" + extra + "}"), "jobs[0]");
  }

  private static void assertRefused(String extra, String field, String says) {
    assertThatThrownBy(() -> job(extra))
        .isInstanceOf(ReachException.class)
        .satisfies(e -> {
          ReachException re = (ReachException) e;
          assertThat(re.code()).isEqualTo(ErrorCode.INVALID_SPEC);
          assertThat(re.field()).isEqualTo(field);
          assertThat(re.getMessage()).contains(field).contains(says);
        });
  }

  @Test
  void absentLimitsLeaveTheRunnerDefaultsAndStayAbsentInTheCanonicalForm() {
    JobSpec spec = job("");
    assertThat(spec.limits()).isEqualTo(JobLimits.RUNNER_DEFAULTS);
    assertThat(spec.toJson().fieldNames()).doesNotContain("memory_limit_mb", "max_artifact_bytes", "max_artifacts");
    assertThat(JobSpec.fromJson(spec.toJson())).isEqualTo(spec);
  }

  @Test
  void givenLimitsAreParsedAndSurviveTheCanonicalForm() {
    JobSpec spec = job(",\"memory_limit_mb\":64,\"max_artifact_bytes\":1048576,\"max_artifacts\":3");
    assertThat(spec.limits()).isEqualTo(new JobLimits(64, 1_048_576L, 3));
    JsonObject json = spec.toJson();
    assertThat(json.getInteger("memory_limit_mb")).isEqualTo(64);
    assertThat(json.getLong("max_artifact_bytes")).isEqualTo(1_048_576L);
    assertThat(json.getInteger("max_artifacts")).isEqualTo(3);
    assertThat(JobSpec.fromJson(json)).isEqualTo(spec);
  }

  @Test
  void outOfBoundsOrMistypedLimitsAreRefusedNamingTheField() {
    assertRefused(",\"memory_limit_mb\":3", "jobs[0].memory_limit_mb", "between 4 and 1048576");
    assertRefused(",\"memory_limit_mb\":2000000", "jobs[0].memory_limit_mb", "between");
    assertRefused(",\"memory_limit_mb\":\"64\"", "jobs[0].memory_limit_mb", "must be an integer");
    assertRefused(",\"memory_limit_mb\":64.5", "jobs[0].memory_limit_mb", "must be an integer");
    assertRefused(",\"max_artifact_bytes\":0", "jobs[0].max_artifact_bytes", "between 1 and");
    assertRefused(",\"max_artifact_bytes\":2199023255553", "jobs[0].max_artifact_bytes", "between 1 and 1099511627776");
    assertRefused(",\"max_artifacts\":0", "jobs[0].max_artifacts", "between 1 and 10000");
    assertRefused(",\"max_artifacts\":true", "jobs[0].max_artifacts", "must be an integer");
    assertRefused(",\"memory_limit\":64", "jobs[0].memory_limit", "");
  }
}
