package dev.reach.runner.limits;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One job's memory limit, enforced either by a cgroup (the kernel keeps the job under it; the
 * runner watches the cgroup's OOM-kill counter and then ends the whole job) or, without a usable
 * cgroup, by sampling the job's resident memory ({@link SessionMemory}) and killing it when the
 * sum is over. Either way the job ends with reason {@code memory_limit_exceeded} and
 * {@link #describe()} says what limit was applied and the peak seen. Blocking methods: call them
 * off the event loop.
 */
public final class JobMemoryCap {
  public static final String BY_CGROUP = "cgroup";
  public static final String BY_SAMPLER = "sampler";

  private final long limitBytes;
  private final JobCgroup cgroup; // null: sampler
  private final ScheduledExecutorService scheduler;
  private final long sampleMs;
  private volatile MemoryWatch watch;

  private JobMemoryCap(long limitBytes, JobCgroup cgroup, ScheduledExecutorService scheduler, long sampleMs) {
    this.limitBytes = limitBytes;
    this.cgroup = cgroup;
    this.scheduler = scheduler;
    this.sampleMs = sampleMs;
  }

  /** A cap of {@code limitBytes}: in a new cgroup {@code job-NAME} when {@code cgroups} is given, else sampled. */
  public static JobMemoryCap prepare(
      long limitBytes, String name, MemoryCgroups cgroups, ScheduledExecutorService scheduler, long sampleMs)
      throws IOException {
    JobCgroup cg = cgroups == null ? null : cgroups.create(name, limitBytes);
    return new JobMemoryCap(limitBytes, cg, scheduler, sampleMs);
  }

  /** The {@code cgroup.procs} file the job must join ({@code null} when sampled). */
  public String cgroupProcs() {
    return cgroup == null ? null : cgroup.procs().toString();
  }

  /** The job is running as {@code leader}: watch it; {@code overLimit} (once) must end the whole job. */
  public void started(long leader, Runnable overLimit) {
    MemoryWatch w = new MemoryWatch(cgroup == null ? sessionProbe(leader) : cgroupProbe(cgroup), overLimit);
    watch = w;
    w.start(scheduler, sampleMs);
  }

  private MemoryWatch.Probe sessionProbe(long leader) {
    return () -> {
      long bytes = SessionMemory.residentBytes(leader);
      return new MemoryWatch.Sample(bytes, bytes > limitBytes);
    };
  }

  private static MemoryWatch.Probe cgroupProbe(JobCgroup cg) {
    return () -> {
      try {
        return new MemoryWatch.Sample(cg.maxUsageBytes(), cg.oomKills() > 0);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }

  /**
   * The job ended: stop sampling. With a cgroup, one last look: the kernel may have OOM-killed a
   * process of the job between two samples (then the job exceeded its limit whatever its exit code).
   */
  public void ended() {
    MemoryWatch w = watch;
    if (w == null) {
      return;
    }
    w.stop();
    if (cgroup != null) {
      w.sampleNow();
    }
  }

  public boolean exceeded() {
    MemoryWatch w = watch;
    return w != null && w.exceeded();
  }

  /** {@code {"kind": "memory", "limit_bytes", "peak_bytes", "enforced_by"}} for the attempt's result. */
  public JsonObject describe() {
    MemoryWatch w = watch;
    return new JsonObject()
        .put("kind", "memory")
        .put("limit_mb", limitBytes >> 20)
        .put("limit_bytes", limitBytes)
        .put("peak_bytes", w == null ? null : w.peakBytes())
        .put("enforced_by", cgroup == null ? BY_SAMPLER : BY_CGROUP);
  }

  /** Removes the job's cgroup (once its processes are gone). */
  public void release() {
    if (cgroup != null) {
      cgroup.delete();
    }
  }
}
