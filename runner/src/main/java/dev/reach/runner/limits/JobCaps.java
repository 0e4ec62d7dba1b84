package dev.reach.runner.limits;

import dev.reach.runner.process.JobIsolation;
import dev.reach.shared.config.JobLimitsConfig;
import dev.reach.shared.spec.JobLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Logger;

/**
 * The runner's limits and isolation for every job it starts: the configured defaults and
 * ceilings, how memory is enforced on this machine (a cgroup, decided once at start, or the
 * sampler), and the job users, if any (one per running job). Blocking methods: call them off the event loop.
 */
public final class JobCaps {
  private static final Logger LOG = Logger.getLogger(JobCaps.class.getName());

  private final JobLimitsConfig config;
  private final MemoryCgroups cgroups; // null: the sampler
  private final JobUsers users; // null: jobs run as the runner
  private final ScheduledExecutorService sampler;

  JobCaps(JobLimitsConfig config, MemoryCgroups cgroups, JobUsers users, ScheduledExecutorService sampler) {
    this.config = config;
    this.cgroups = cgroups;
    this.users = users;
    this.sampler = sampler;
  }

  /**
   * Decides at start: memory by cgroup when {@code REACH_JOB_MEMORY_ENFORCER} allows and one is
   * usable ({@code cgroup} refuses to start without one), the job user resolved. Throws a message
   * naming the setting when the runner cannot do what it is configured to.
   */
  public static JobCaps prepare(JobLimitsConfig config, String runnerId, int slots, Path workBase,
      ScheduledExecutorService sampler) throws IOException {
    MemoryCgroups cgroups = null;
    if (!config.memoryEnforcer().equals(JobLimitsConfig.SAMPLER)) {
      StringBuilder whyNot = new StringBuilder();
      Optional<MemoryCgroups> found = MemoryCgroups.probe(runnerId, whyNot);
      if (found.isPresent()) {
        cgroups = found.get();
        LOG.info("job memory limits are enforced by cgroup v1 under " + cgroups.dir());
      } else if (config.memoryEnforcer().equals(JobLimitsConfig.CGROUP)) {
        throw new IllegalStateException("REACH_JOB_MEMORY_ENFORCER=cgroup but no usable memory cgroup: " + whyNot);
      } else {
        LOG.info("job memory limits are enforced by sampling resident memory every " + config.memorySampleMs()
            + " ms (no usable memory cgroup: " + whyNot + ")");
      }
    }
    JobUsers users = null;
    try {
      if (config.jobUser() != null) {
        users = JobUsers.resolve(config.jobUser(), slots);
        Files.createDirectories(workBase);
        Files.setPosixFilePermissions(workBase, PosixFilePermissions.fromString("rwx--x--x"));
        users.all().get(0).checkReachable(workBase);
        LOG.info("jobs run as one of " + users.all().stream().map(u -> u.name() + " (uid " + u.uid() + ")").toList()
            + ", a user of its own for each running job");
      }
    } catch (IOException | RuntimeException e) {
      if (cgroups != null) {
        cgroups.close(); // the runner does not start: leave no cgroup directory behind
      }
      throw e;
    }
    return new JobCaps(config, cgroups, users, sampler);
  }

  /** The runner stops (its jobs are gone): no more sampling; its cgroup directory is removed when empty. Blocking. */
  public void close() {
    sampler.shutdownNow();
    if (cgroups != null) {
      cgroups.close();
    }
  }

  public JobLimitsConfig config() {
    return config;
  }

  /** {@code cgroup} or {@code sampler}: how a memory limit is enforced here. */
  public String memoryEnforcement() {
    return cgroups == null ? JobMemoryCap.BY_SAMPLER : JobMemoryCap.BY_CGROUP;
  }

  /** A job user of its own for a job about to start (empty: jobs run as the runner). Give it back with {@link #releaseUser}. */
  public Optional<JobUser> acquireUser() {
    return users == null ? Optional.empty() : Optional.of(users.acquire());
  }

  /** The job that had {@code user} is over: whatever the user still runs is killed, then it is free again. Blocking. */
  public void releaseUser(Optional<JobUser> user) {
    user.ifPresent(u -> users.release(u));
  }

  /** The memory cap of a job with {@code limits} (empty: no limit applies), named {@code name} (its cgroup). */
  public Optional<JobMemoryCap> memoryCap(JobLimits limits, String name) throws IOException {
    long mb = config.memoryLimitMb(limits.memoryLimitMb());
    if (mb <= 0) {
      return Optional.empty();
    }
    return Optional.of(JobMemoryCap.prepare(mb << 20, name, cgroups, sampler, config.memorySampleMs()));
  }

  /** Makes {@code workspace} the job user's (and its parent searchable, not listable); nothing without a job user. */
  public void prepareWorkspace(Path workspace, Optional<JobUser> user) throws IOException {
    if (user.isPresent()) {
      Files.setPosixFilePermissions(workspace.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
      user.get().own(workspace);
    }
  }

  /** What the watcher sets up for a job with {@code memory}, run as {@code user}. */
  public JobIsolation isolation(Optional<JobMemoryCap> memory, Optional<JobUser> user) {
    return new JobIsolation(memory.map(JobMemoryCap::cgroupProcs).orElse(null), user.map(JobUser::runAs).orElse(null));
  }
}
