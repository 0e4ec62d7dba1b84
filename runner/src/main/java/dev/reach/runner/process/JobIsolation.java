package dev.reach.runner.process;

/**
 * What the watcher sets up for a job before its command runs (its oom_score_adj is always raised
 * to 1000): the memory cgroup it joins and the user it runs as.
 *
 * @param cgroupProcs a memory cgroup's {@code cgroup.procs} file ({@code null}: no cgroup)
 * @param runAs {@code UID:GID} of the unprivileged job user ({@code null}: the runner's own user)
 */
public record JobIsolation(String cgroupProcs, String runAs) {
  public static final JobIsolation NONE = new JobIsolation(null, null);

  public JobIsolation withCgroupProcs(String procs) {
    return new JobIsolation(procs, runAs);
  }

  String cgroupArg() {
    return cgroupProcs == null ? "-" : cgroupProcs;
  }

  String runAsArg() {
    return runAs == null ? "-" : runAs;
  }
}
