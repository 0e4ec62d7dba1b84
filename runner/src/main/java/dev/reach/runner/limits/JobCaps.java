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
 * sampler), and the job user, if any. Blocking methods: call them off the event loop.
 */
public final class JobCaps {
  private static final Logger LOG = Logger.getLogger(JobCaps.class.getName());

  private final JobLimitsConfig config;
  private final MemoryCgroups cgroups; // null: the sampler
  private final JobUser user; // null: jobs run as the runner
  private final ScheduledExecutorService sampler;

  JobCaps(JobLimitsConfig config, MemoryCgroups cgroups, JobUser user, ScheduledExecutorService sampler) {
    this.config = config;
    this.cgroups = cgroups;
    this.user = user;
    this.sampler = sampler;
  }

  /**
   * Decides at start: memory by cgroup when {@code REACH_JOB_MEMORY_ENFORCER} allows and one is
   * usable ({@code cgroup} refuses to start without one), the job user resolved. Throws a message
   * naming the setting when the runner cannot do what it is configured to.
   */
  public static JobCaps prepare(JobLimitsConfig config, String runnerId, Path workBase, ScheduledExecutorService sampler)
      throws IOException {
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
    JobUser user = null;
    try {
      if (config.jobUser() != null) {
        user = JobUser.resolve(config.jobUser());
        Files.createDirectories(workBase);
        Files.setPosixFilePermissions(workBase, PosixFilePermissions.fromString("rwx--x--x"));
        user.checkReachable(workBase);
        LOG.info("jobs run as " + user.name() + " (uid " + user.uid() + ", gid " + user.gid() + ")");
      }
    } catch (IOException | RuntimeException e) {
      if (cgroups != null) {
        cgroups.close(); // the runner does not start: leave no cgroup directory behind
      }
      throw e;
    }
    return new JobCaps(config, cgroups, user, sampler);
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

  public Optional<JobUser> user() {
    return Optional.ofNullable(user);
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
  public void prepareWorkspace(Path workspace) throws IOException {
    if (user != null) {
      Files.setPosixFilePermissions(workspace.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
      user.own(workspace);
    }
  }

  /** What the watcher sets up for a job with {@code memory}. */
  public JobIsolation isolation(Optional<JobMemoryCap> memory) {
    return new JobIsolation(memory.map(JobMemoryCap::cgroupProcs).orElse(null), user == null ? null : user.runAs());
  }
}
