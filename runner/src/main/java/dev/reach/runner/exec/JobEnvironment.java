package dev.reach.runner.exec;

import dev.reach.shared.bus.Lease;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment a job sees: a minimal {@code PATH}, {@code HOME} set to its workspace, its own
 * identifiers, its spec's {@code env} on top and its run's secrets over that (the only way a secret
 * reaches a job). Never any of the runner's own variables.
 */
public final class JobEnvironment {
  public static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  private JobEnvironment() {}

  public static Map<String, String> of(Lease lease, Path workspace) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", DEFAULT_PATH);
    env.put("HOME", workspace.toString());
    env.put("LANG", "C.UTF-8");
    env.putAll(lease.spec().env());
    env.putAll(lease.secrets().asMap());
    // the job's identity cannot be overridden by its spec
    env.put("REACH_RUN_ID", lease.runId());
    env.put("REACH_JOB_ID", lease.jobId());
    env.put("REACH_JOB_NAME", lease.jobName());
    env.put("REACH_ATTEMPT", Integer.toString(lease.attempt()));
    return env;
  }
}
