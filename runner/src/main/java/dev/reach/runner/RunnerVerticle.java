package dev.reach.runner;

import dev.reach.runner.disk.DiskGuard;
import dev.reach.runner.exec.Blocking;
import dev.reach.runner.exec.CompletionDelivery;
import dev.reach.runner.exec.Execution;
import dev.reach.runner.exec.OrchestratorClient;
import dev.reach.runner.journal.JournalEntry;
import dev.reach.runner.lease.OutageRideThrough;
import dev.reach.runner.process.LeaseDeadline;
import dev.reach.runner.process.WatcherClock;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.ConsumerSet;
import dev.reach.shared.cluster.ClusterMerges;
import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.HeartbeatAck;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.bus.RunnerRestarted;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The runner's control loop, on one event-loop context. At start it re-sends the completions
 * earlier incarnations journaled and reports its start-up sweep — only then does it claim. Then:
 * claims work when woken (or on a fallback poll) for its free slots while disk allows, heartbeats
 * every lease it holds in one message at a third of what a renewal leaves the watchers (TTL − kill
 * margin, see {@link dev.reach.shared.bus.LeaseTimings}) (through a database outage: asks the
 * leader for capped outage extensions instead), hands each renewal to the job's watcher, and kills
 * jobs whose lease is gone. {@link #drain} stops claiming, lets jobs finish for a while with
 * heartbeats going on, then interrupts the rest and waits for their completions.
 */
public final class RunnerVerticle extends VerticleBase implements Execution.Owner {
  private static final Logger LOG = Logger.getLogger(RunnerVerticle.class.getName());
  private static final int CLAIM_TRIES = 3;

  private final ReachConfig cfg;
  private final String incarnation;
  private final WatcherClock clock;
  private final OrchestratorClient orchestrator;
  private final Function<io.vertx.core.Context, Execution.Tools> toolsFactory;
  private final RunnerBoot boot;
  private final DiskGuard disk;
  private final RunnerTuning tuning;
  private final OutageRideThrough outage;
  private Execution.Tools tools;

  /** Attempts whose lease this runner holds, by token (until their completion is answered). */
  private final Map<Long, Execution> held = new LinkedHashMap<>();
  /** Attempts whose process group is not yet confirmed gone (occupying a slot). */
  private final Set<Long> running = new HashSet<>();
  private long claimSeq;
  private long settledClaimSeq;
  private boolean claiming;
  private boolean claimAgain;
  private static final long HEARTBEAT_RETRY_MS = 200;
  private boolean heartbeating;
  private boolean diskChecking;
  private boolean stopping;
  private boolean draining;
  private Promise<Void> drained;
  /** A claim answered while draining granted leases that were not started: a heartbeat covering this claim releases them. */
  private long releaseThroughSeq = -1;
  private final List<Long> drainTimers = new ArrayList<>();
  private long heartbeatTimer = -1;
  private long pollTimer = -1;
  private long diskTimer = -1;
  private ConsumerSet consumers;
  private final Runnable rejoin = this::rejoined;

  RunnerVerticle(
      ReachConfig cfg, String incarnation, WatcherClock clock, OrchestratorClient orchestrator,
      Function<io.vertx.core.Context, Execution.Tools> toolsFactory, RunnerBoot boot, DiskGuard disk, RunnerTuning tuning) {
    this.cfg = cfg;
    this.incarnation = incarnation;
    this.clock = clock;
    this.orchestrator = orchestrator;
    this.toolsFactory = toolsFactory;
    this.boot = boot;
    this.disk = disk;
    this.tuning = tuning;
    this.outage = new OutageRideThrough(clock, cfg.outageRideThroughMs(), cfg.leaseTtlMs(), cfg.leaseKillMarginMs());
  }

  @Override
  public Future<?> start() {
    tools = toolsFactory.apply(context);
    return replayJournal()
        .compose(v -> announceRestart())
        .compose(v -> {
          consumers = new ConsumerSet(vertx)
              .add(Addresses.WORK_AVAILABLE, m -> claim())
              .add(Addresses.KILL_ATTEMPTS, m -> onKill(m.body() instanceof JsonObject o ? o : null))
              .add(Addresses.runnerLeases(cfg.runnerId()), this::answerLeaseView);
          // after a healed cluster split: register again and re-announce (a heartbeat and a claim at once)
          ClusterMerges.of(vertx).onMerged(context, rejoin);
          return consumers.ready();
        })
        .onSuccess(v -> {
          // a third of what a renewal leaves the watchers (not of the TTL): after a heartbeat that
          // is not answered there must still be time for its timeout and an outage extension
          long hbEvery = cfg.leaseTimings().heartbeatEveryMs();
          heartbeatTimer = vertx.setPeriodic(hbEvery, t -> heartbeat());
          pollTimer = vertx.setPeriodic(cfg.runnerPollMs(), t -> claim());
          diskTimer = vertx.setPeriodic(tuning.diskCheckMs(), t -> checkDisk());
          LOG.info("runner " + cfg.runnerId() + " (incarnation " + incarnation + ") ready with " + cfg.runnerSlots() + " slots");
          heartbeat();
          claim();
        });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    List.of(heartbeatTimer, pollTimer, diskTimer).forEach(vertx::cancelTimer);
    drainTimers.forEach(vertx::cancelTimer);
    for (Long token : running) {
      held.get(token).destroy();
    }
    if (tools != null) {
      tools.completions().close();
    }
    if (drained != null) {
      drained.tryComplete();
    }
    ClusterMerges.of(vertx).remove(rejoin);
    return consumers == null ? Future.succeededFuture() : consumers.unregister();
  }

  private void rejoined() {
    if (stopping || consumers == null) {
      return;
    }
    consumers.reregister().onComplete(ar -> {
      LOG.info("runner " + cfg.runnerId() + " registered its consumers again after a healed cluster split");
      heartbeat();
      claim();
    });
  }

  // ---- start-up: journaled completions, then the sweep report ----

  private Future<Void> replayJournal() {
    List<JournalEntry> entries = boot.journaled();
    if (entries.isEmpty()) {
      return Future.succeededFuture();
    }
    LOG.info("re-sending " + entries.size() + " completion(s) journaled by earlier incarnations");
    List<Future<CompletionDelivery.Settlement>> sends = new ArrayList<>();
    for (JournalEntry e : entries) {
      sends.add(tools.completions().resend(e.report()));
    }
    Promise<Void> done = Promise.promise();
    long bound = vertx.setTimer(Math.max(1, tuning.journalReplayWaitMs()), t -> {
      long pending = sends.stream().filter(f -> !f.isComplete()).count();
      LOG.warning(pending + " journaled completion(s) not answered within " + tuning.journalReplayWaitMs()
          + " ms; claiming anyway, they are re-sent in the background");
      done.tryComplete();
    });
    Future.join(sends).onComplete(ar -> {
      vertx.cancelTimer(bound);
      Map<CompletionDelivery.Settlement, Integer> counts = new LinkedHashMap<>();
      sends.forEach(f -> counts.merge(f.result(), 1, Integer::sum));
      LOG.info("journaled completions of earlier incarnations answered: " + counts);
      done.tryComplete();
    });
    return done.future();
  }

  private Future<Void> announceRestart() {
    boolean unclean = boot.previous().isPresent();
    RunnerRestarted report = new RunnerRestarted(
        cfg.runnerId(), incarnation, boot.sweep().killedGroups(), boot.sweep().staleRecords(), unclean);
    return RestartAnnouncement.send(vertx, orchestrator, report, tuning.restartRetry()).map(expired -> {
      LOG.info("runner " + cfg.runnerId() + " incarnation " + incarnation + " start-up sweep: " + boot.sweep().describe()
          + "; unclean shutdown before: " + unclean + "; the orchestrator expired "
          + (expired < 0 ? "(no answer)" : expired) + " lease(s) of earlier incarnations");
      return null;
    });
  }

  // ---- claims ----

  private int freeSlots() {
    return cfg.runnerSlots() - running.size();
  }

  /** Claims for the free slots; claims never overlap, a wake-up during one leads to another right after. */
  void claim() {
    if (stopping || draining || disk.low() || freeSlots() <= 0) {
      return;
    }
    if (claiming) {
      claimAgain = true;
      return;
    }
    claiming = true;
    claimAgain = false;
    long seq = ++claimSeq;
    sendClaim(new ClaimRequest(cfg.runnerId(), incarnation, seq, freeSlots(), cfg.runnerLabels()), 1, clock.nowCentis());
  }

  /**
   * {@code sentAt} is when the first try was sent: a retry with the same request id returns the
   * leases the first try committed, whose expiry was counted from then — a deadline counted from
   * the retry would outlive them.
   */
  private void sendClaim(ClaimRequest req, int tryNo, long sentAt) {
    orchestrator.claim(req).onComplete(ar -> {
      if (ar.failed()) {
        if (BusErrors.classify(ar.cause()).retryable() && tryNo < CLAIM_TRIES && !stopping && !draining) {
          // the same request id: if the first try committed, this returns the same leases
          vertx.setTimer(100L * tryNo, t -> sendClaim(req, tryNo + 1, sentAt));
          return;
        }
        LOG.fine("claim failed: " + ar.cause().getMessage());
        claimDone(req.claimSeq(), false);
        return;
      }
      List<Lease> leases = ar.result().leases();
      if (stopping || draining) {
        // not received: a heartbeat that settles this claim without holding them releases them at once
        if (!leases.isEmpty()) {
          LOG.info("draining: not starting " + leases.size() + " job(s) granted by a claim in flight; releasing them");
          releaseThroughSeq = req.claimSeq();
        }
        claimDone(req.claimSeq(), false);
        if (releaseThroughSeq >= 0) {
          heartbeat();
        }
        return;
      }
      if (!leases.isEmpty()) {
        noteCommitted(sentAt);
      }
      long deadline = LeaseDeadline.of(sentAt, ar.result().ttlMs(), cfg.leaseKillMarginMs());
      if (deadline <= clock.nowCentis() && !leases.isEmpty()) {
        // the answer came too late (this runner was frozen or the bus slow): the leases may already
        // be expired and running elsewhere. Not started, not held: the next heartbeat, which settles
        // this claim, releases them at once.
        LOG.warning("claim answered after its leases' deadline (" + leases.size() + " lease(s)): not starting them");
        claimDone(req.claimSeq(), false);
        heartbeat();
        return;
      }
      for (Lease lease : leases) {
        if (held.containsKey(lease.token())) {
          continue;
        }
        Execution e = new Execution(lease, tools, this);
        held.put(lease.token(), e);
        running.add(lease.token());
        e.start(deadline, clock.nowCentis());
      }
      claimDone(req.claimSeq(), leases.size() >= req.slots());
    });
  }

  private void claimDone(long seq, boolean full) {
    settledClaimSeq = seq;
    claiming = false;
    if (claimAgain || full) {
      claim();
    }
    if (draining) {
      maybeFinishDrain();
    }
  }

  // ---- heartbeats, renewals, outage extensions ----

  private void heartbeat() {
    if (heartbeating || stopping) {
      return;
    }
    heartbeating = true;
    List<Long> tokens = new ArrayList<>(held.keySet());
    long sentAt = clock.nowCentis();
    Heartbeat hb = new Heartbeat(cfg.runnerId(), incarnation, cfg.runnerSlots(), cfg.runnerLabels(), settledClaimSeq, tokens);
    orchestrator.heartbeat(hb).onComplete(ar -> {
      if (ar.succeeded()) {
        heartbeating = false;
        renewed(tokens, sentAt, ar.result());
        releasedThrough(hb.settledClaimSeq());
        return;
      }
      ReachException e = BusErrors.classify(ar.cause());
      // a timeout too: the orchestrator may be stuck on a frozen (not stopped) database
      if (e.code() == ErrorCode.DB_UNAVAILABLE || e.code() == ErrorCode.DB_CIRCUIT_OPEN || e.code() == ErrorCode.TIMEOUT) {
        askForExtension(hb, e);
        return;
      }
      heartbeating = false;
      // no committed renewal: the watchers keep their deadlines and stop the jobs when those pass.
      // Try again soon rather than at the next period: the request may have gone to an orchestrator
      // that just died, and another one can still renew before the deadlines.
      LOG.warning("heartbeat failed: " + e.code() + ": " + e.getMessage() + "; trying again");
      vertx.setTimer(HEARTBEAT_RETRY_MS, t -> heartbeat());
    });
  }

  private void renewed(List<Long> tokens, long sentAt, HeartbeatAck ack) {
    noteCommitted(sentAt);
    long deadline = LeaseDeadline.of(sentAt, ack.ttlMs(), cfg.leaseKillMarginMs());
    Set<Long> renewed = new HashSet<>(ack.renewed());
    for (Long token : tokens) {
      Execution e = held.get(token);
      if (e == null) {
        continue;
      }
      if (renewed.contains(token)) {
        e.extendLease(deadline);
      } else if (running.contains(token)) {
        LOG.info("lease " + token + " of job " + e.lease().jobName() + " is no longer ours: killing it");
        e.kill();
      }
    }
  }

  /** A committed heartbeat settled claims up to {@code seq}: leases of those claims that were never started are released. */
  private void releasedThrough(long seq) {
    if (releaseThroughSeq < 0) {
      return;
    }
    if (seq >= releaseThroughSeq) {
      releaseThroughSeq = -1;
      maybeFinishDrain();
    } else {
      heartbeat(); // this one was sent before the claim settled: one more
    }
  }

  private void noteCommitted(long sentAt) {
    long rode = outage.committed(sentAt);
    if (rode >= 0) {
      LOG.info("the database is back: a renewal committed again after riding through " + rode + " ms of outage");
    }
  }

  /**
   * The database is down: ask the leader for an outage extension. Only the listed tokens are
   * extended, exactly like a renewal sent now, and only within the cap counted from the last
   * committed renewal; nothing is ever killed for not being listed.
   */
  private void askForExtension(Heartbeat hb, ReachException cause) {
    long sentAt = clock.nowCentis();
    orchestrator.outageHeartbeat(hb).onComplete(ar -> {
      heartbeating = false;
      if (ar.failed()) {
        ReachException e = BusErrors.classify(ar.cause());
        LOG.warning("heartbeat failed (" + cause.code() + ") and no outage extension (" + e.code() + ": " + e.getMessage()
            + "); the watchers stop the jobs at their lease deadlines");
        if (e.retryable()) {
          vertx.setTimer(HEARTBEAT_RETRY_MS, t -> heartbeat());
        }
        return;
      }
      HeartbeatAck ack = ar.result();
      if (!ack.extension()) {
        renewed(hb.heldTokens(), sentAt, ack); // the leader committed a real renewal after all
        releasedThrough(hb.settledClaimSeq());
        return;
      }
      OptionalLong deadline = outage.extension(sentAt, ack.ttlMs());
      if (deadline.isEmpty()) {
        if (outage.capPassedFirstTime()) {
          LOG.warning("outage ride-through cap reached: " + outage.sinceCommittedMs() + " ms since the last committed renewal (cap "
              + outage.capMs() + " ms); extensions are no longer taken, the watchers stop the jobs at their deadlines");
        }
        return;
      }
      if (outage.startRiding()) {
        LOG.warning("database unavailable (" + cause.code() + "): riding through on outage extensions from the leader, at most "
            + outage.capMs() + " ms after the last committed renewal (leader: " + ack.outageRemainingMs() + " ms left)");
      }
      Set<Long> listed = new HashSet<>(ack.renewed());
      for (Long token : hb.heldTokens()) {
        Execution e = held.get(token);
        if (e != null && listed.contains(token)) {
          e.extendLease(deadline.getAsLong());
        }
      }
    });
  }

  /** dump-state asks for this runner's own view of its leases and buffered reports. */
  private void answerLeaseView(io.vertx.core.eventbus.Message<Object> m) {
    Set<String> jobs = LeaseViewAnswer.jobIds(m.body());
    List<Execution> executions = new ArrayList<>(held.values());
    long now = clock.nowCentis();
    tools.completions().journaled()
        .recover(t -> {
          LOG.warning("journal not readable for dump-state: " + t);
          return Future.succeededFuture(List.of());
        })
        .onSuccess(journal -> m.reply(new LeaseViewAnswer(cfg.runnerId(), incarnation, cfg.runnerSlots(), draining, now,
            executions, journal, jobs).toJson()));
  }

  private void onKill(JsonObject body) {
    JsonArray tokens = body == null ? null : body.getJsonArray("tokens");
    if (tokens == null) {
      return;
    }
    for (Object t : tokens) {
      if (t instanceof Number n) {
        Execution e = held.get(n.longValue());
        if (e != null && running.contains(n.longValue())) {
          e.kill();
        }
      }
    }
  }

  // ---- disk ----

  private void checkDisk() {
    if (diskChecking || stopping) {
      return;
    }
    diskChecking = true;
    Blocking.on(tools.readers(), context, disk::check).onComplete(ar -> {
      diskChecking = false;
      if (ar.succeeded() && ar.result() == DiskGuard.Change.RECOVERED) {
        claim();
      }
    });
  }

  // ---- drain ----

  /**
   * Stops claiming at once; heartbeats go on. Running jobs may finish for up to {@code timeoutMs};
   * then the rest are interrupted (their watchers kill their groups; reason {@code interrupted}).
   * Resolves when every held lease's completion is answered, or {@code flushMs} after the timeout
   * at the latest (undelivered completions stay journaled).
   */
  public Future<Void> drain(long timeoutMs, long flushMs) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> startDrain(timeoutMs, flushMs, done));
    return done.future();
  }

  private void startDrain(long timeoutMs, long flushMs, Promise<Void> done) {
    if (drained != null) {
      drained.future().onComplete(done);
      return;
    }
    draining = true;
    drained = done;
    vertx.cancelTimer(pollTimer);
    if (held.isEmpty() && !claiming) {
      LOG.info("draining: no jobs held");
      maybeFinishDrain();
      if (drained.future().isComplete()) {
        return;
      }
    } else {
      LOG.info("draining: " + running.size() + " job(s) running, " + (held.size() - running.size())
          + " completion(s) pending" + (claiming ? ", a claim in flight" : "") + "; running jobs may finish for up to "
          + timeoutMs + " ms");
    }
    drainTimers.add(vertx.setTimer(Math.max(1, timeoutMs), t -> interruptRunning()));
    drainTimers.add(vertx.setTimer(timeoutMs + flushMs / 2, t -> held.values().forEach(Execution::hurry)));
    drainTimers.add(vertx.setTimer(timeoutMs + flushMs, t -> {
      LOG.warning("drain: gave up waiting after " + (timeoutMs + flushMs) + " ms; " + held.size()
          + " completion(s) not answered stay journaled for the next start: " + held.keySet()
          + (releaseThroughSeq >= 0 ? "; leases granted while draining not released (they expire by TTL)" : ""));
      finishDrain();
    }));
  }

  /** The drain is over when no lease is held, no claim is in flight and any lease granted meanwhile was released. */
  private void maybeFinishDrain() {
    if (draining && drained != null && held.isEmpty() && !claiming && releaseThroughSeq < 0) {
      finishDrain();
    }
  }

  private void interruptRunning() {
    if (running.isEmpty()) {
      return;
    }
    LOG.info("drain timeout passed: interrupting " + running.size() + " job(s): " + running);
    for (Long token : running) {
      held.get(token).interrupt();
    }
  }

  private void finishDrain() {
    drainTimers.forEach(vertx::cancelTimer);
    drainTimers.clear();
    drained.tryComplete();
  }

  // ---- executions ----

  @Override
  public void slotFreed(Execution e) {
    running.remove(e.token());
    claim();
  }

  @Override
  public void settled(Execution e) {
    held.remove(e.token());
    if (draining && held.isEmpty()) {
      LOG.info("drained: every completion answered");
      maybeFinishDrain();
    }
  }
}
