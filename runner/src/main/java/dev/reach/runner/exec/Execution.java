package dev.reach.runner.exec;

import dev.reach.runner.process.JobProcess;
import dev.reach.runner.process.ProcessEnd;
import dev.reach.runner.ship.ArtifactClient;
import dev.reach.runner.ship.LogShipper;
import dev.reach.shared.bus.CompletionOutcome;
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
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One attempt on this runner, from spawn to a committed completion: starts the job under its
 * watcher, reports the start, ships the log, uploads artifacts, reports the end with the lease
 * token until the orchestrator answers (accepted, already accepted, or stale). All state lives on
 * the runner's context; process I/O callbacks hop onto it.
 */
public final class Execution {
  private static final Logger LOG = Logger.getLogger(Execution.class.getName());
  private static final int REPORT_TRIES = 8;

  /** What the runner needs from its executions. */
  public interface Owner {
    /** The process is gone: its slot is free (the lease is still held until the completion commits). */
    void slotFreed(Execution e);

    /** The orchestrator answered the completion (or gave up): stop renewing the lease. */
    void settled(Execution e);
  }

  /** Shared runner facilities for executions. */
  public record Tools(
      Context context, Clock clock, OrchestratorClient orchestrator, ArtifactClient artifacts,
      ExecutorService control, ExecutorService readers, Path watcher, Path stateDir, String runnerId,
      long logFlushMs) {}

  private final Lease lease;
  private final Tools tools;
  private final Owner owner;
  private final LogShipper log;
  private JobProcess process;
  private Path workspace;
  private boolean outputClosed;
  private ProcessEnd end;
  private boolean killRequested;
  private long spawnedAtMs;
  private final Promise<Void> startReported = Promise.promise();

  public Execution(Lease lease, Tools tools, Owner owner) {
    this.lease = lease;
    this.tools = tools;
    this.owner = owner;
    this.log = new LogShipper(tools.context(), tools.artifacts(), lease.jobId(), lease.attempt(), lease.token(), tools.logFlushMs());
  }

  public Lease lease() {
    return lease;
  }

  public long token() {
    return lease.token();
  }

  /** Spawns the job with the watcher holding {@code leaseDeadlineCentis}; {@code nowCentis} starts the timeout. */
  public void start(long leaseDeadlineCentis, long nowCentis) {
    long timeoutAt = nowCentis + lease.spec().timeoutSeconds() * 100L;
    tools.control().execute(() -> {
      try {
        workspace = Workspace.create(tools.stateDir(), lease.jobId(), lease.attempt());
        Map<String, String> env = JobEnvironment.of(lease, workspace);
        spawnedAtMs = tools.clock().millis();
        process = JobProcess.start(tools.watcher(), workspace, env, lease.spec().command(), leaseDeadlineCentis, timeoutAt,
            tools.readers(), new ProcessEvents());
        if (killRequested) {
          process.kill();
        }
      } catch (Exception e) {
        LOG.log(Level.WARNING, "job " + lease.jobName() + " could not be started", e);
        tools.context().runOnContext(v -> {
          end = new ProcessEnd(-1, "spawn_failed");
          outputClosed = true;
          owner.slotFreed(this);
          startReported.tryComplete();
          finishIfDone();
        });
      }
    });
  }

  /** A committed renewal: the watcher may let the job run until {@code deadlineCentis}. */
  public void extendLease(long deadlineCentis) {
    tools.control().execute(() -> {
      if (process != null) {
        process.extendLease(deadlineCentis);
      }
    });
  }

  /** The lease is no longer ours (cancelled, expired): kill the job now. */
  public void kill() {
    tools.control().execute(() -> {
      killRequested = true;
      if (process != null) {
        process.kill();
      }
    });
  }

  /** Runner shutting down hard: kill the watcher (and so the job). */
  public void destroy() {
    tools.control().execute(() -> {
      if (process != null) {
        process.destroy();
      }
    });
  }

  private final class ProcessEvents implements JobProcess.Listener {
    @Override
    public void onStarted(long pid) {
      tools.context().runOnContext(v -> reportStarted(1));
    }

    @Override
    public void onOutput(byte[] bytes, int length) {
      log.append(bytes, length);
    }

    @Override
    public void onOutputClosed() {
      tools.context().runOnContext(v -> {
        outputClosed = true;
        finishIfDone();
      });
    }

    @Override
    public void onEnded(ProcessEnd processEnd) {
      tools.context().runOnContext(v -> {
        end = processEnd;
        owner.slotFreed(Execution.this);
        if (!outputClosed) {
          // a leftover that escaped the process group may hold the output open: do not wait for it long
          tools.context().owner().setTimer(2_000, t -> {
            outputClosed = true;
            finishIfDone();
          });
        }
        finishIfDone();
      });
    }
  }

  private void reportStarted(int tryNo) {
    tools.orchestrator().started(new StartedReport(lease.jobId(), lease.token(), tools.runnerId(), spawnedAtMs))
        .onSuccess(v -> startReported.tryComplete())
        .onFailure(t -> {
          ReachException e = BusErrors.classify(t);
          if (e.code() == ErrorCode.STALE_LEASE || e.code() == ErrorCode.JOB_NOT_FOUND) {
            LOG.info("job " + lease.jobName() + " token " + lease.token() + " is no longer ours: " + e.getMessage());
            kill();
            startReported.tryComplete();
          } else if (e.retryable() && tryNo < REPORT_TRIES) {
            tools.context().owner().setTimer(backoff(tryNo), x -> reportStarted(tryNo + 1));
          } else {
            // the completion can still commit (LEASED -> SUCCEEDED/FAILED is legal)
            startReported.tryComplete();
          }
        });
  }

  private boolean finishing;

  private void finishIfDone() {
    if (finishing || end == null || !outputClosed) {
      return;
    }
    finishing = true;
    uploadArtifacts()
        .compose(files -> log.finish().map(logMeta -> logMeta.put("artifacts", files)))
        .compose(meta -> startReported.future().map(meta))
        .onComplete(ar -> {
          JsonObject meta = ar.succeeded() ? ar.result() : new JsonObject().put("missing", true);
          report(completion(meta), 1);
        });
  }

  private Future<JsonArray> uploadArtifacts() {
    if (lease.spec().artifacts().isEmpty() || workspace == null || "spawn_failed".equals(end.killedReason())) {
      return Future.succeededFuture(new JsonArray());
    }
    Path ws = workspace;
    return tools.context().owner().executeBlocking(() -> ArtifactFinder.find(ws, lease.spec().artifacts()), false)
        .compose(found -> {
          List<Future<JsonObject>> uploads = new ArrayList<>();
          found.forEach((name, path) -> uploads.add(uploadWithRetry(name, path, 1)));
          return Future.join(uploads).otherwiseEmpty().map(x -> {
            JsonArray out = new JsonArray();
            for (Future<JsonObject> f : uploads) {
              out.add(f.succeeded() ? f.result() : new JsonObject().put("missing", true).put("error", f.cause().getMessage()));
            }
            return out;
          });
        })
        .recover(t -> Future.succeededFuture(new JsonArray().add(new JsonObject().put("missing", true).put("error", t.getMessage()))));
  }

  private Future<JsonObject> uploadWithRetry(String name, Path path, int tryNo) {
    return tools.artifacts().putArtifact(lease.jobId(), lease.attempt(), lease.token(), name, path)
        .recover(t -> {
          ReachException e = BusErrors.classify(t);
          if (tryNo >= 3 || !(e.retryable() || e.code() == ErrorCode.INTERNAL)) {
            return Future.failedFuture(new ReachException(e.code(), name + ": " + e.getMessage()));
          }
          Promise<JsonObject> p = Promise.promise();
          tools.context().owner().setTimer(backoff(tryNo), x -> uploadWithRetry(name, path, tryNo + 1).onComplete(p));
          return p.future();
        });
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
        default -> EndReason.INTERRUPTED;
      };
    }
    return new CompletionReport(lease.jobId(), lease.token(), tools.runnerId(), exit, reason, logMeta);
  }

  private void report(CompletionReport report, int tryNo) {
    tools.orchestrator().complete(report).onComplete(ar -> {
      if (ar.succeeded()) {
        if (ar.result() == CompletionOutcome.ALREADY_ACCEPTED) {
          LOG.fine("completion of " + lease.jobName() + " was already accepted");
        }
        settle();
        return;
      }
      ReachException e = BusErrors.classify(ar.cause());
      if (e.code() == ErrorCode.STALE_LEASE) {
        LOG.info("completion of job " + lease.jobName() + " (token " + lease.token() + ") refused as stale (reason="
            + report.reason().wire() + "): " + e.getMessage());
        settle();
      } else if (e.retryable() && tryNo < REPORT_TRIES) {
        tools.context().owner().setTimer(backoff(tryNo), t -> report(report, tryNo + 1));
      } else {
        LOG.warning("completion of job " + lease.jobName() + " not delivered: " + e.getMessage());
        settle();
      }
    });
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

  private static long backoff(int tryNo) {
    return Math.min(5_000, 100L << Math.min(tryNo, 6));
  }
}
