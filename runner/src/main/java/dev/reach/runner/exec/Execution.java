package dev.reach.runner.exec;

import dev.reach.runner.limits.JobCaps;
import dev.reach.runner.limits.JobMemoryCap;
import dev.reach.runner.limits.JobUser;
import dev.reach.runner.process.JobProcess;
import dev.reach.runner.process.ProcStat;
import dev.reach.runner.process.ProcessEnd;
import dev.reach.runner.process.ProcessGroups;
import dev.reach.runner.retry.RetryPolicy;
import dev.reach.runner.ship.ArtifactClient;
import dev.reach.runner.ship.ArtifactUploader;
import dev.reach.runner.ship.UploadOutcomes;
import dev.reach.runner.ship.LogShipper;
import dev.reach.runner.ship.SecretMasker;
import dev.reach.runner.state.GroupRecord;
import dev.reach.runner.state.GroupRecords;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.bus.StartedReport;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.job.EndReason;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One attempt on this runner, from spawn to an answered completion: starts the job under its
 * watcher, records its process group, reports the start, ships the log, uploads artifacts, and
 * once the group is confirmed gone delivers the completion (journaled, retried until answered).
 * The owner keeps renewing the lease until then. All state lives on the runner's context; process
 * callbacks hop onto it, blocking work goes to the runner's pools.
 */
public final class Execution {
  private static final Logger LOG = Logger.getLogger(Execution.class.getName());
  private static final int STARTED_TRIES = 8;
  /** How long to wait for the job's process group to be gone after its watcher reported the end. */
  private static final Duration GROUP_GONE_BOUND = Duration.ofSeconds(3);
  /** After {@link #hurry()}: how long the log and artifacts still get before the completion goes without them. */
  private static final long HURRY_GRACE_MS = 1_000;

  /** What the runner needs from its executions. */
  public interface Owner {
    /** The process group is gone: its slot is free (the lease is still held until the completion is answered). */
    void slotFreed(Execution e);

    /** The orchestrator answered the completion (or the runner gave it up): stop renewing the lease. */
    void settled(Execution e);
  }

  /** Shared runner facilities for executions. */
  public record Tools(
      Context context, Clock clock, OrchestratorClient orchestrator, ArtifactClient artifacts, RetryPolicy uploadRetry,
      ExecutorService control, ExecutorService readers, Path watcher, Path workRoot, String runnerId, String incarnation,
      long logFlushMs, GroupRecords groups, CompletionDelivery completions, UploadOutcomes uploads, JobCaps caps) {}

  private final Lease lease;
  private final Tools tools;
  private final Owner owner;
  private final LogShipper log;
  /** Every write to the log goes through it: the run's secret values become {@code ***}. */
  private final SecretMasker output;
  private final ArtifactUploader uploader;
  private volatile JobProcess process; // written on the control thread
  private boolean killRequested; // control thread
  private boolean interruptRequested; // control thread
  private volatile Path workspace;
  private volatile Optional<JobMemoryCap> memory = Optional.empty();
  /** The job user this job runs as (empty: the runner's own), given back when the job is over. */
  private volatile Optional<JobUser> jobUser = Optional.empty();
  /** The artifact limit the job broke first (context thread; null: none). */
  private ArtifactLimits.Checked artifactsChecked;
  private volatile long spawnedAtMs;
  private volatile long pgid = -1;
  private volatile boolean groupRecorded;
  private volatile boolean groupEmpty;
  // context thread from here on
  private boolean outputClosed;
  private ProcessEnd end;
  private boolean finishing;
  private boolean hurried;
  private Promise<JsonObject> finishedMeta;
  private final Promise<Void> startReported = Promise.promise();
  private boolean startInFlight;
  private boolean startSuperseded;
  private long startRetryTimer = -1;
  /** The lease deadline last handed to the watcher (watcher clock, centiseconds). */
  private volatile long leaseDeadlineCentis;

  public Execution(Lease lease, Tools tools, Owner owner) {
    this.lease = lease;
    this.tools = tools;
    this.owner = owner;
    this.log = new LogShipper(tools.context(), tools.artifacts(), lease.jobId(), lease.attempt(), lease.token(),
        tools.logFlushMs(), tools.uploadRetry(), this::staleOnTheStore);
    this.output = new SecretMasker(lease.secrets().values(), log::append);
    this.uploader = new ArtifactUploader(tools.context(), tools.artifacts(), tools.uploadRetry(), tools.uploads());
  }

  public Lease lease() {
    return lease;
  }

  public long token() {
    return lease.token();
  }

  /**
   * This runner's own view of the attempt, for dump-state (on the runner's context): the lease as
   * its watcher holds it ({@code lease_remaining_ms} from {@code nowCentis}), the process, and how
   * far the reports got.
   */
  public JsonObject describe(long nowCentis) {
    long deadline = leaseDeadlineCentis;
    return new JsonObject()
        .put("job_id", lease.jobId())
        .put("job_name", lease.jobName())
        .put("attempt", lease.attempt())
        .put("token", lease.token())
        .put("lease_deadline_centis", deadline)
        .put("lease_remaining_ms", (deadline - nowCentis) * 10)
        .put("watcher_pid", process == null ? null : process.pid())
        .put("pgid", pgid < 0 ? null : pgid)
        .put("spawned_at_ms", spawnedAtMs == 0 ? null : spawnedAtMs)
        .put("start_reported", startReported.future().isComplete())
        .put("output_closed", outputClosed)
        .put("process_group_gone", groupEmpty)
        .put("ended", end == null ? null : new JsonObject().put("exit_code", end.exitCode())
            .put("killed", end.killedReason()))
        .put("completion", finishing ? "sending" : end == null ? "not yet" : "waiting for log and artifacts")
        .put("hurried", hurried);
  }

  /** Gives the job user back (once), after killing whatever it still runs. Blocking. */
  private void releaseJobUser() {
    Optional<JobUser> user;
    synchronized (this) {
      user = jobUser;
      jobUser = Optional.empty();
    }
    tools.caps().releaseUser(user);
  }

  /** Spawns the job with the watcher holding {@code leaseDeadlineCentis}; {@code nowCentis} starts the timeout. */
  public void start(long leaseDeadlineCentis, long nowCentis) {
    this.leaseDeadlineCentis = leaseDeadlineCentis;
    long timeoutAt = nowCentis + lease.spec().timeoutSeconds() * 100L;
    if (!lease.secretsUnavailable().isEmpty()) {
      refuseWithoutSecrets();
      return;
    }
    tools.control().execute(() -> {
      try {
        workspace = Workspace.create(tools.workRoot(), lease.jobId(), lease.attempt());
        jobUser = tools.caps().acquireUser();
        tools.caps().prepareWorkspace(workspace, jobUser);
        Map<String, String> env = JobEnvironment.of(lease, workspace);
        memory = tools.caps().memoryCap(lease.spec().limits(), Long.toString(lease.token()));
        spawnedAtMs = tools.clock().millis();
        process = JobProcess.start(tools.watcher(), workspace, env, lease.spec().command(), leaseDeadlineCentis, timeoutAt,
            tools.caps().isolation(memory, jobUser), tools.readers(), new ProcessEvents());
        if (killRequested) {
          process.kill();
        } else if (interruptRequested) {
          process.interrupt();
        }
      } catch (Exception e) {
        LOG.log(Level.WARNING, "job " + lease.jobName() + " could not be started", e);
        memory.ifPresent(JobMemoryCap::release);
        releaseJobUser();
        tools.context().runOnContext(v -> {
          end = new ProcessEnd(-1, "spawn_failed");
          outputClosed = true;
          owner.slotFreed(this);
          finishIfDone();
        });
      }
    });
  }

  /**
   * Some of the run's secrets could not be decrypted by the orchestrator: the job is not started and
   * ends {@code secrets_unavailable}; its log says which secrets (by name).
   */
  private void refuseWithoutSecrets() {
    String names = String.join(", ", lease.secretsUnavailable());
    LOG.warning("job " + lease.jobName() + " not started: secrets unavailable (" + names + ")");
    byte[] line = ("reach: the job was not started: secrets unavailable (" + names
        + "); they could not be decrypted with the orchestrator's configured key\n").getBytes(StandardCharsets.UTF_8);
    output.write(line, line.length);
    output.finish();
    tools.context().runOnContext(v -> {
      end = new ProcessEnd(-1, "secrets_unavailable");
      outputClosed = true;
      owner.slotFreed(this);
      finishIfDone();
    });
  }

  /** A committed renewal (or an outage extension): the watcher may let the job run until {@code deadlineCentis}. */
  public void extendLease(long deadlineCentis) {
    leaseDeadlineCentis = Math.max(leaseDeadlineCentis, deadlineCentis);
    tools.control().execute(() -> {
      if (process != null) {
        process.extendLease(deadlineCentis);
      }
    });
  }

  /** The lease is no longer ours (cancelled, expired, stale): kill the job now. */
  public void kill() {
    tools.control().execute(() -> {
      killRequested = true;
      if (process != null) {
        process.kill();
      }
    });
  }

  /** The runner is draining and the drain timeout passed: kill the job, reported as {@code interrupted}. */
  public void interrupt() {
    tools.control().execute(() -> {
      interruptRequested = true;
      if (process != null && !killRequested) {
        process.interrupt();
      }
    });
  }

  /** Runner stopping hard: kill the watcher (and so the job). */
  public void destroy() {
    tools.control().execute(() -> {
      if (process != null) {
        process.destroy();
      }
    });
  }

  /** The runner is about to stop: send the completion soon, without the log and artifacts if they are not stored by then. */
  public void hurry() {
    if (hurried) {
      return;
    }
    hurried = true;
    if (finishing) {
      forceFinishSoon();
    }
  }

  /** The memory watch found the job over its limit (on the sampler's thread): the watcher kills the whole job. */
  private void killOverMemory() {
    Optional<JobMemoryCap> m = memory;
    LOG.info("job " + lease.jobName() + " token " + lease.token() + " is over its memory limit: "
        + m.map(JobMemoryCap::describe).orElse(null) + "; killing it");
    tools.control().execute(() -> {
      if (process != null) {
        process.killOverMemory();
      }
    });
  }

  private void staleOnTheStore() {
    LOG.info("the artifact store refused job " + lease.jobName() + " token " + lease.token()
        + " as stale: the attempt is no longer current, killing it");
    kill();
  }

  private final class ProcessEvents implements JobProcess.Listener {
    @Override
    public void onStarted(long pid) {
      recordGroup(pid);
      memory.ifPresent(m -> m.started(pid, Execution.this::killOverMemory));
      tools.context().runOnContext(v -> reportStarted(1));
    }

    @Override
    public void onOutput(byte[] bytes, int length) {
      output.write(bytes, length);
    }

    @Override
    public void onOutputClosed() {
      output.finish(); // on the reader thread, after its last write: the held-back tail goes out in order
      tools.context().runOnContext(v -> {
        outputClosed = true;
        finishIfDone();
      });
    }

    @Override
    public void onGroupEmpty() {
      groupEmpty = true;
    }

    @Override
    public void onEnded(ProcessEnd processEnd) {
      confirmGroupGone(); // on the status reader thread: it may wait a little
      memory.ifPresent(m -> {
        m.ended(); // blocking reads of the job's cgroup, still on the status reader thread
        m.release();
      });
      // before the slot is freed: the next job must find its user free, with nothing of this job left running
      releaseJobUser();
      tools.context().runOnContext(v -> {
        end = processEnd;
        owner.slotFreed(Execution.this);
        if (!outputClosed) {
          // a leftover that escaped the process group may hold the output open: do not wait for it long
          tools.context().owner().setTimer(2_000, t -> {
            output.finish();
            outputClosed = true;
            finishIfDone();
          });
        }
        finishIfDone();
      });
    }
  }

  /**
   * Records the job's process group ({@code groups/TOKEN.json}) so a later incarnation can sweep it
   * if this runner dies. The job is the watcher's child, forked just now and not reaped before the
   * watcher's first poll, so {@code /proc/PID} is still the job — checked: its parent (the
   * watcher) must be a child of this JVM.
   */
  private void recordGroup(long pid) {
    pgid = pid;
    try {
      Optional<ProcStat> stat = ProcStat.read(pid);
      long self = ProcessHandle.current().pid();
      if (stat.isEmpty() || ProcStat.read(stat.get().ppid()).map(ProcStat::ppid).orElse(-1L) != self) {
        LOG.fine("job " + lease.jobName() + " (pid " + pid + ") gone before its group could be recorded");
        return;
      }
      tools.groups().write(new GroupRecord(pid, stat.get().startTicks(), lease.jobId(), lease.token(), tools.incarnation()));
      groupRecorded = true;
    } catch (Exception e) {
      LOG.log(Level.WARNING, "process group of job " + lease.jobName() + " not recorded", e);
    }
  }

  /**
   * Waits (bounded) until no process of the job's group is alive; only then is its record
   * removed. When the watcher's group kill found nothing at all, the group is known gone and
   * {@code /proc} need not be scanned (the common case: a job that left nothing behind).
   */
  private void confirmGroupGone() {
    long g = pgid;
    if (g <= 0) {
      return;
    }
    try {
      List<Long> left = groupEmpty ? List.of() : ProcessGroups.awaitGone(List.of(g), GROUP_GONE_BOUND);
      if (!left.isEmpty()) {
        LOG.warning("process group " + g + " of job " + lease.jobName() + " still has live members "
            + GROUP_GONE_BOUND.toMillis() + " ms after its watcher ended; its record is kept");
        return;
      }
      if (groupRecorded) {
        tools.groups().delete(lease.token());
      }
    } catch (Exception e) {
      LOG.log(Level.WARNING, "process group " + g + " of job " + lease.jobName() + " could not be checked", e);
    }
  }

  private void reportStarted(int tryNo) {
    startRetryTimer = -1;
    if (startSuperseded) {
      startReported.tryComplete();
      return;
    }
    startInFlight = true;
    tools.orchestrator().started(new StartedReport(lease.jobId(), lease.token(), tools.runnerId(), spawnedAtMs))
        .onComplete(ar -> {
          startInFlight = false;
          if (ar.succeeded()) {
            startReported.tryComplete();
            return;
          }
          ReachException e = BusErrors.classify(ar.cause());
          if (e.code() == ErrorCode.STALE_LEASE || e.code() == ErrorCode.STALE_GENERATION || e.code() == ErrorCode.JOB_NOT_FOUND) {
            LOG.info("job " + lease.jobName() + " token " + lease.token() + " is no longer ours: " + e.getMessage());
            kill();
            startReported.tryComplete();
          } else if (e.retryable() && tryNo < STARTED_TRIES && !startSuperseded) {
            startRetryTimer = tools.context().owner().setTimer(Math.min(5_000, 100L << Math.min(tryNo, 6)),
                x -> reportStarted(tryNo + 1));
          } else {
            // the completion can still commit (LEASED -> SUCCEEDED/FAILED is legal)
            startReported.tryComplete();
          }
        });
  }

  /**
   * The completion goes next: no started report is sent after it. Resolves once no started
   * request is in flight (a pending retry is dropped; the completion supersedes it).
   */
  private Future<Void> supersedeStart() {
    startSuperseded = true;
    if (startRetryTimer >= 0) {
      tools.context().owner().cancelTimer(startRetryTimer);
      startRetryTimer = -1;
    }
    if (!startInFlight) {
      startReported.tryComplete();
    }
    return startReported.future();
  }

  private void finishIfDone() {
    if (finishing || end == null || !outputClosed) {
      return;
    }
    finishing = true;
    finishedMeta = Promise.promise();
    uploadArtifacts()
        .compose(files -> log.finish().map(logMeta -> logMeta.copy().put("artifacts", files)))
        .onComplete(ar -> finishedMeta.tryComplete(ar.succeeded() ? ar.result()
            : new JsonObject().put("missing", true).put("reason", "INTERNAL: " + ar.cause().getMessage())));
    if (hurried) {
      forceFinishSoon();
    }
    finishedMeta.future()
        .compose(meta -> supersedeStart().map(meta))
        .onComplete(ar -> deliver(completion(ar.result())));
  }

  private void forceFinishSoon() {
    tools.context().owner().setTimer(HURRY_GRACE_MS, t -> finishedMeta.tryComplete(new JsonObject()
        .put("missing", true)
        .put("reason", "SHUTTING_DOWN: the runner stopped before the log and artifacts were stored")));
  }

  private Future<JsonArray> uploadArtifacts() {
    List<String> globs = lease.spec().artifacts();
    Path ws = workspace;
    if (globs.isEmpty() || ws == null || "spawn_failed".equals(end.killedReason())) {
      return Future.succeededFuture(new JsonArray());
    }
    long maxBytes = tools.caps().config().artifactBytesFor(lease.spec().limits().maxArtifactBytes());
    int maxCount = tools.caps().config().artifactsFor(lease.spec().limits().maxArtifacts());
    return Blocking.on(tools.readers(), tools.context(), () -> ArtifactLimits.check(ArtifactFinder.find(ws, globs), maxBytes, maxCount))
        .compose(checked -> {
          artifactsChecked = checked;
          return uploader.uploadAll(lease, checked.upload()).map(stored -> stored.addAll(checked.refused()));
        })
        .recover(t -> Future.succeededFuture(new JsonArray().add(ArtifactUploader.missing(String.join(",", globs),
            ErrorCode.INTERNAL, "the workspace could not be searched: " + t.getMessage()))));
  }

  private CompletionReport completion(JsonObject logMeta) {
    EndReason reason;
    Integer exit = null;
    String killed = end.killedReason();
    if (killed == null) {
      reason = EndReason.EXIT_CODE;
      exit = end.exitCode();
    } else {
      reason = switch (killed) {
        case "timeout" -> EndReason.TIMEOUT;
        case "self_fenced" -> EndReason.SELF_FENCED;
        case "cancelled" -> EndReason.CANCELLED;
        case "spawn_failed" -> EndReason.SPAWN_FAILED;
        case "secrets_unavailable" -> EndReason.SECRETS_UNAVAILABLE;
        case "interrupted" -> EndReason.INTERRUPTED;
        case "memory_limit_exceeded" -> EndReason.MEMORY_LIMIT_EXCEEDED;
        default -> EndReason.INTERRUPTED; // runner_gone: the runner itself stopped the job
      };
    }
    Optional<JobMemoryCap> m = memory;
    if (m.isPresent() && m.get().exceeded() && (reason == EndReason.EXIT_CODE || reason == EndReason.MEMORY_LIMIT_EXCEEDED)) {
      // the sampler's kill, or the kernel's OOM kill inside the job's cgroup (the job may even have exited 0 after it)
      reason = EndReason.MEMORY_LIMIT_EXCEEDED;
      logMeta = (logMeta == null ? new JsonObject() : logMeta.copy()).put("limit", m.get().describe());
    } else if (reason == EndReason.EXIT_CODE && exit == 0 && artifactsChecked != null && artifactsChecked.broken() != null) {
      // the job did its work but its output broke a limit: it did not deliver what it declared
      reason = artifactsChecked.broken();
      logMeta = (logMeta == null ? new JsonObject() : logMeta.copy()).put("limit", artifactsChecked.limit());
    }
    return new CompletionReport(lease.jobId(), lease.token(), tools.runnerId(), exit, reason, logMeta);
  }

  private void deliver(CompletionReport report) {
    tools.completions().deliver(report).onComplete(ar -> settle());
  }

  private void settle() {
    owner.settled(this);
    Path ws = workspace;
    if (ws != null) {
      tools.readers().execute(() -> {
        try {
          Workspace.delete(ws);
        } catch (Exception e) {
          LOG.log(Level.FINE, "workspace cleanup", e);
        }
      });
    }
  }
}
