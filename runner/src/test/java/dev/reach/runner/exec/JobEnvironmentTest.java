package dev.reach.runner.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.bus.Lease;
import dev.reach.shared.spec.JobSpec;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The environment a job gets: defaults, its identifiers, its spec's variables, nothing of the runner's. */
class JobEnvironmentTest {
  private static final Path WS = Path.of("/var/lib/reach/work/job-7-2");

  private static Lease lease(Map<String, String> env) {
    JobSpec spec = new JobSpec("build", "make", env, 60, 3, 3, List.of(), List.of());
    return new Lease("job-7", "run-3", "build", 2, 41L, spec);
  }

  @Test
  void defaultsAndIdentifiers() {
    Map<String, String> env = JobEnvironment.of(lease(Map.of()), WS);

    assertThat(env).containsOnly(
        Map.entry("PATH", JobEnvironment.DEFAULT_PATH),
        Map.entry("HOME", WS.toString()),
        Map.entry("LANG", "C.UTF-8"),
        Map.entry("REACH_RUN_ID", "run-3"),
        Map.entry("REACH_JOB_ID", "job-7"),
        Map.entry("REACH_JOB_NAME", "build"),
        Map.entry("REACH_ATTEMPT", "2"));
    assertThat(JobEnvironment.DEFAULT_PATH).isEqualTo("/usr/local/bin:/usr/bin:/bin");
  }

  @Test
  void specVariablesAreAddedAndOverrideTheDefaults() {
    Map<String, String> env = JobEnvironment.of(lease(Map.of(
        "FOO", "bar",
        "PATH", "/opt/tool/bin:/usr/bin:/bin",
        "HOME", "/tmp/elsewhere",
        "LANG", "en_US.UTF-8")), WS);

    assertThat(env)
        .containsEntry("FOO", "bar")
        .containsEntry("PATH", "/opt/tool/bin:/usr/bin:/bin")
        .containsEntry("HOME", "/tmp/elsewhere")
        .containsEntry("LANG", "en_US.UTF-8")
        .containsEntry("REACH_JOB_ID", "job-7")
        .containsEntry("REACH_ATTEMPT", "2");
    assertThat(env).hasSize(8);
  }

  @Test
  void noneOfTheRunnersOwnVariables() {
    Map<String, String> env = JobEnvironment.of(lease(Map.of("FOO", "bar")), WS);

    Set<String> ours = new HashSet<>(System.getenv().keySet());
    ours.removeAll(Set.of("PATH", "HOME", "LANG"));
    assertThat(env.keySet()).doesNotContainAnyElementsOf(ours);
    assertThat(env.keySet()).containsExactlyInAnyOrder(
        "PATH", "HOME", "LANG", "REACH_RUN_ID", "REACH_JOB_ID", "REACH_JOB_NAME", "REACH_ATTEMPT", "FOO");
  }

  @Test
  void eachCallGetsItsOwnMap() {
    Lease lease = lease(Map.of());
    Map<String, String> first = JobEnvironment.of(lease, WS);
    first.put("LEAK", "x");

    assertThat(JobEnvironment.of(lease, WS)).doesNotContainKey("LEAK");
  }
}
