package dev.reach.sim;

import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.bus.StartedReport;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.job.EndReason;
import java.util.ArrayList;
import java.util.List;

/**
 * A model of {@code runner.exec.Execution}: one attempt on one runner incarnation, from spawn to an
 * answered completion. The job process and its watcher live outside the runner (they run on while
 * it is frozen); what they report reaches the runner only while it lives. The start is reported
 * (retried with backoff; a stale answer kills the job); once the process has ended the completion
 * goes out — after any start report in flight — journaled and retried until answered.
 */
final class SimExecution {
  /** How the process ended, and the watcher's word for it. */
  enum End {
    EXITED, SELF_FENCED, KILLED, RUNNER_GONE, SWEPT
  }

  private final World world;
  private final SimRunner runner;
  private final int runnerGeneration;
  private final Lease lease;
  private final String label;
  private ProcessRecord process;
  private SimWatcher watcher;
  private Behaviour.Attempt behaviour;
  private long spawnedAtMs;
  private End end;
  private boolean startInFlight;
  private boolean startSuperseded;
  private boolean startReported;
  private int startRetry;
  private final List<Runnable> afterStart = new ArrayList<>();

  SimExecution(World world, SimRunner runner, Lease lease) {
    this.world = world;
    this.runner = runner;
    this.runnerGeneration = runner.generation();
    this.lease = lease;
    this.label = world.book().label(lease.token());
  }

  long token() {
    return lease.token();
  }

  boolean processAlive() {
    return process != null && process.alive();
  }

  /** Spawns the job under its watcher with the lease deadline (watcher-clock centiseconds). */
  void start(long deadlineCentis) {
    spawnedAtMs = world.scheduler().now();
    behaviour = Behaviour.of(world.plan().seed(), lease.jobName(), lease.attempt());
    process = world.book().spawned(lease.jobName(), lease.token(), runner.name, spawnedAtMs);
    world.trace().add(runner.name, "spawned " + label + " (runs " + behaviour.durationMs() + " ms, exit "
        + behaviour.exitCode() + "; watcher deadline +" + (deadlineCentis * 10 - spawnedAtMs) + " ms)");
    watcher = new SimWatcher(world, this, deadlineCentis);
    world.scheduler().after(behaviour.durationMs(), () -> processEnded(End.EXITED));
    reportStarted(1);
  }

  /** A committed renewal or an outage extension: the watcher's new deadline. */
  void extendLease(long deadlineCentis) {
    if (processAlive()) {
      watcher.setDeadline(deadlineCentis);
    }
  }

  /** The runner says kill ("k"): the watcher kills the group at once. */
  void kill(String why) {
    if (!processAlive() || world.variant().ignoresKills()) {
      return;
    }
    world.trace().add(runner.name, "kills " + label + " (" + why + ")");
    processEnded(End.KILLED);
  }

  /** The runner died: its watchers see their stdin close and kill the jobs shortly after. */
  void runnerDied() {
    if (processAlive() && !world.variant().ignoresKills()) {
      world.scheduler().after(world.random().nextInt((int) SimConfig.WATCHER_RUNNER_GONE_MS + 1),
          () -> processEnded(End.RUNNER_GONE));
    }
  }

  /** A new incarnation's start-up sweep kills what an earlier one left and waits until it is gone. */
  void sweep() {
    if (processAlive() && !world.variant().ignoresKills()) {
      processEnded(End.SWEPT);
    }
  }

  /** The process is gone (outside the runner); the runner hears of it if this incarnation still lives. */
  void processEnded(End how) {
    if (!processAlive()) {
      return;
    }
    long now = world.scheduler().now();
    process.ended(now, how.name().toLowerCase());
    watcher.stop();
    if (how == End.SELF_FENCED) {
      world.tally().count("jobs stopped by their watcher at the lease deadline");
      world.trace().add(runner.name, "watcher stopped " + label + " at its deadline");
    } else if (how == End.EXITED) {
      world.trace().add(runner.name, label + " exited " + behaviour.exitCode());
    }
    end = how;
    runner.deliverTo(runnerGeneration, this::ended);
  }

  private void ended() {
    runner.slotFreed(this);
    supersedeStart(() -> runner.deliverCompletion(completion(), () -> runner.settled(this)));
  }

  private CompletionReport completion() {
    EndReason reason = switch (end) {
      case EXITED -> EndReason.EXIT_CODE;
      case SELF_FENCED -> EndReason.SELF_FENCED;
      case KILLED -> EndReason.CANCELLED;
      case RUNNER_GONE, SWEPT -> EndReason.INTERRUPTED;
    };
    Integer exit = end == End.EXITED ? behaviour.exitCode() : null;
    return new CompletionReport(lease.jobId(), lease.token(), runner.runnerId(), exit, reason, null);
  }

  // ---- the start report ----

  private void reportStarted(int tryNo) {
    if (startSuperseded) {
      startDone();
      return;
    }
    startInFlight = true;
    StartedReport report = new StartedReport(lease.jobId(), lease.token(), runner.runnerId(), spawnedAtMs);
    world.rpc().call(runner, world.anyOrchestrator(), "started " + label, o -> o.started(report),
        SimConfig.REQUEST_TIMEOUT_MS, out -> {
          startInFlight = false;
          if (out.ok()) {
            startDone();
          } else if (out.code() == ErrorCode.STALE_LEASE || out.code() == ErrorCode.JOB_NOT_FOUND) {
            kill("its start was refused as stale");
            startDone();
          } else if (out.error().retryable() && tryNo < SimConfig.STARTED_TRIES && !startSuperseded) {
            int retry = ++startRetry;
            runner.timer(Math.min(5_000, 100L << Math.min(tryNo, 6)), () -> {
              if (retry == startRetry) {
                reportStarted(tryNo + 1);
              }
            });
          } else {
            startDone();
          }
        });
  }

  private void startDone() {
    if (startReported) {
      return;
    }
    startReported = true;
    List<Runnable> waiting = new ArrayList<>(afterStart);
    afterStart.clear();
    waiting.forEach(Runnable::run);
  }

  /** The completion goes next: no start report after it; it waits for one in flight. */
  private void supersedeStart(Runnable then) {
    startSuperseded = true;
    startRetry++; // a pending retry is dropped
    if (startReported) {
      then.run();
      return;
    }
    afterStart.add(then);
    if (!startInFlight) {
      startDone();
    }
  }
}
