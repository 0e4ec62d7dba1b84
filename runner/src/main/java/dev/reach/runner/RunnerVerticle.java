package dev.reach.runner;

import dev.reach.runner.exec.Execution;
import dev.reach.runner.exec.OrchestratorClient;
import dev.reach.runner.process.LeaseDeadline;
import dev.reach.runner.process.WatcherClock;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.HeartbeatAck;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.error.BusErrors;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The runner's control loop, on one event-loop context: claims work when woken (or on a fallback
 * poll) for its free slots, heartbeats every lease it holds in one message at a third of the TTL,
 * hands each committed renewal to the job's watcher, and kills jobs whose lease is gone.
 */
public final class RunnerVerticle extends VerticleBase implements Execution.Owner {
  private static final Logger LOG = Logger.getLogger(RunnerVerticle.class.getName());
  private static final int CLAIM_TRIES = 3;

  private final ReachConfig cfg;
  private final String incarnation;
  private final WatcherClock clock;
  private final OrchestratorClient orchestrator;
  private final Function<io.vertx.core.Context, Execution.Tools> toolsFactory;
  private Execution.Tools tools;

  /** Attempts whose lease this runner holds, by token (until their completion is answered). */
  private final Map<Long, Execution> held = new LinkedHashMap<>();
  /** Attempts whose process is running (occupying a slot). */
  private final Set<Long> running = new HashSet<>();
  private long claimSeq;
  private long settledClaimSeq;
  private boolean claiming;
  private boolean claimAgain;
  private boolean stopping;
  private long heartbeatTimer = -1;
  private long pollTimer = -1;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  public RunnerVerticle(
      ReachConfig cfg, String incarnation, WatcherClock clock, OrchestratorClient orchestrator,
      Function<io.vertx.core.Context, Execution.Tools> toolsFactory) {
    this.cfg = cfg;
    this.incarnation = incarnation;
    this.clock = clock;
    this.orchestrator = orchestrator;
    this.toolsFactory = toolsFactory;
  }

  @Override
  public Future<?> start() {
    tools = toolsFactory.apply(context);
    MessageConsumer<JsonObject> wake = vertx.eventBus().consumer(Addresses.WORK_AVAILABLE, m -> claim());
    MessageConsumer<JsonObject> kill = vertx.eventBus().consumer(Addresses.KILL_ATTEMPTS, m -> onKill(m.body()));
    consumers.add(wake);
    consumers.add(kill);
    long hbEvery = Math.max(100, cfg.leaseTtlMs() / 3);
    heartbeatTimer = vertx.setPeriodic(hbEvery, t -> heartbeat());
    pollTimer = vertx.setPeriodic(cfg.runnerPollMs(), t -> claim());
    return Future.all(wake.completion(), kill.completion()).onSuccess(v -> {
      LOG.info("runner " + cfg.runnerId() + " (incarnation " + incarnation + ") ready with " + cfg.runnerSlots() + " slots");
      heartbeat();
      claim();
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(heartbeatTimer);
    vertx.cancelTimer(pollTimer);
    held.values().forEach(Execution::destroy);
    List<Future<Void>> all = new ArrayList<>();
    consumers.forEach(c -> all.add(c.unregister()));
    return Future.join(all);
  }

  private int freeSlots() {
    return cfg.runnerSlots() - running.size();
  }

  /** Claims for the free slots; claims never overlap, a wake-up during one leads to another right after. */
  void claim() {
    if (stopping || freeSlots() <= 0) {
      return;
    }
    if (claiming) {
      claimAgain = true;
      return;
    }
    claiming = true;
    claimAgain = false;
    long seq = ++claimSeq;
    sendClaim(new ClaimRequest(cfg.runnerId(), incarnation, seq, freeSlots(), cfg.runnerLabels()), 1);
  }

  private void sendClaim(ClaimRequest req, int tryNo) {
    long sentAt = clock.nowCentis();
    orchestrator.claim(req).onComplete(ar -> {
      if (ar.failed()) {
        if (BusErrors.classify(ar.cause()).retryable() && tryNo < CLAIM_TRIES && !stopping) {
          // the same request id: if the first try committed, this returns the same leases
          vertx.setTimer(100L * tryNo, t -> sendClaim(req, tryNo + 1));
          return;
        }
        LOG.fine("claim failed: " + ar.cause().getMessage());
        claimDone(req.claimSeq(), false);
        return;
      }
      long deadline = LeaseDeadline.of(sentAt, ar.result().ttlMs(), cfg.leaseKillMarginMs());
      for (Lease lease : ar.result().leases()) {
        if (held.containsKey(lease.token())) {
          continue;
        }
        Execution e = new Execution(lease, tools, this);
        held.put(lease.token(), e);
        running.add(lease.token());
        e.start(deadline, clock.nowCentis());
      }
      claimDone(req.claimSeq(), ar.result().leases().size() >= req.slots());
    });
  }

  private void claimDone(long seq, boolean full) {
    settledClaimSeq = seq;
    claiming = false;
    if (claimAgain || full) {
      claim();
    }
  }

  private boolean heartbeating;

  private void heartbeat() {
    if (heartbeating) {
      return;
    }
    heartbeating = true;
    List<Long> tokens = new ArrayList<>(held.keySet());
    long sentAt = clock.nowCentis();
    Heartbeat hb = new Heartbeat(cfg.runnerId(), incarnation, cfg.runnerSlots(), cfg.runnerLabels(), settledClaimSeq, tokens);
    orchestrator.heartbeat(hb).onComplete(ar -> {
      heartbeating = false;
      if (ar.failed()) {
        // no committed renewal: the watchers keep their deadlines and stop the jobs when those pass
        LOG.warning("heartbeat failed: " + BusErrors.classify(ar.cause()).getMessage());
        return;
      }
      HeartbeatAck ack = ar.result();
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
    });
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

  @Override
  public void slotFreed(Execution e) {
    running.remove(e.token());
    claim();
  }

  @Override
  public void settled(Execution e) {
    held.remove(e.token());
  }
}
