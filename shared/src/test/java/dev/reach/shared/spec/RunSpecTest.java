package dev.reach.shared.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class RunSpecTest {
  private static JsonObject run(String jobsJson) {
    return new JsonObject("{\"name\":\"r\",\"jobs\":" + jobsJson + "}");
  }

  private static void assertRefused(JsonObject body, String field) {
    assertThatThrownBy(() -> RunSpec.parse(body))
        .isInstanceOf(ReachException.class)
        .satisfies(e -> {
          ReachException re = (ReachException) e;
          assertThat(re.code()).isEqualTo(ErrorCode.INVALID_SPEC);
          assertThat(re.field()).isEqualTo(field);
          assertThat(re.getMessage()).contains(field);
        });
  }

  @Test
  void defaultsAreFilledIn() {
    RunSpec spec = RunSpec.parse(run("[{\"name\":\"a\",\"command\":\"true\"}]"));
    JobSpec job = spec.jobs().get(0);
    assertThat(job.maxAttempts()).isEqualTo(1);
    assertThat(job.maxLostAttempts()).isEqualTo(3);
    assertThat(job.timeoutSeconds()).isEqualTo(3600);
    assertThat(JobSpec.fromJson(job.toJson())).isEqualTo(job);
  }

  @Test
  void unknownFieldsAreRefusedByName() {
    assertRefused(run("[{\"name\":\"a\",\"command\":\"true\",\"timeout\":5}]"), "jobs[0].timeout");
    assertRefused(new JsonObject("{\"name\":\"r\",\"jobs\":[{\"name\":\"a\",\"command\":\"x\"}],\"prio\":1}"), "prio");
  }

  @Test
  void mistypedFieldsAreRefusedByName() {
    assertRefused(run("[{\"name\":\"a\",\"command\":\"true\",\"timeout_seconds\":\"5\"}]"), "jobs[0].timeout_seconds");
    assertRefused(run("[{\"name\":\"a\",\"command\":\"true\",\"timeout_seconds\":1.5}]"), "jobs[0].timeout_seconds");
    assertRefused(run("[{\"name\":\"a\",\"command\":\"true\",\"max_attempts\":0}]"), "jobs[0].max_attempts");
    assertRefused(run("[{\"name\":\"a\",\"command\":\"true\",\"env\":{\"X\":1}}]"), "jobs[0].env.X");
    assertRefused(run("[{\"name\":\"a\",\"command\":\"true\",\"labels\":\"gpu\"}]"), "jobs[0].labels");
    assertRefused(run("[{\"name\":\"a\",\"command\":\"\"}]"), "jobs[0].command");
    assertRefused(run("[{\"name\":\"a\"}]"), "jobs[0].command");
    assertRefused(run("[]"), "jobs");
  }

  @Test
  void duplicateJobNamesAreRefused() {
    assertRefused(run("[{\"name\":\"a\",\"command\":\"true\"},{\"name\":\"a\",\"command\":\"false\"}]"), "jobs[1].name");
  }

  @Test
  void unsafeArtifactPathsAreRefused() {
    assertRefused(run("[{\"name\":\"a\",\"command\":\"true\",\"artifacts\":[\"../x\"]}]"), "jobs[0].artifacts[0]");
    assertRefused(run("[{\"name\":\"a\",\"command\":\"true\",\"artifacts\":[\"/etc/passwd\"]}]"), "jobs[0].artifacts[0]");
  }

  @Test
  void fingerprintIgnoresDefaultsButNotContent() {
    RunSpec a = RunSpec.parse(run("[{\"name\":\"a\",\"command\":\"true\"}]"));
    RunSpec b = RunSpec.parse(run("[{\"name\":\"a\",\"command\":\"true\",\"max_attempts\":1}]"));
    RunSpec c = RunSpec.parse(run("[{\"name\":\"a\",\"command\":\"false\"}]"));
    assertThat(a.fingerprint()).isEqualTo(b.fingerprint()).isNotEqualTo(c.fingerprint());
  }
}
