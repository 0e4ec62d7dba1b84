package dev.reach.orchestrator.leader;

import dev.reach.orchestrator.store.LeaderStore;
import dev.reach.orchestrator.store.LeaseStore;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Leader-only duties, on one context, every reaper interval: take or keep leadership (see
 * {@link Leadership}); after an election reconcile from Postgres; commit a pending grace before
 * anything else; then probe, and expire run-out leases unless the probe looks like an outage
 * ({@link ExpiryGuard}), in which case a grace is committed instead with an alert-level log line.
 * While it holds the leader lock it also answers outage heartbeats ({@link OutageHeartbeats}).
 */
public final class LeaderVerticle extends VerticleBase implements Leadership.Listener {
  private static final Logger LOG = Logger.getLogger(LeaderVerticle.class.getName());
  private static final int BATCH = 500;

  /** What the leader needs; {@code monoMs} is a monotonic clock in milliseconds. */
  public record Settings(String nodeId, long intervalMs, long graceMs, ExpiryGuard guard, LongSupplier monoMs) {}

  private final LeaseStore leases;
  private final LeaderStore store;
  private final OutageState outage;
  private final Settings settings;
  private Leadership leadership;
  private OutageHeartbeats outageHeartbeats;
  private MessageConsumer<Object> outageConsumer;
  private boolean reconcilePending;
  private long timer = -1;
  private boolean stopped;

  public LeaderVerticle(LeaseStore leases, LeaderStore store, OutageState outage, Settings settings) {
    this.leases = leases;
    this.store = store;
    this.outage = outage;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    leadership = new Leadership(new LeaderLock(vertx, Math.max(100, settings.intervalMs())), store, settings.nodeId(),
        settings.graceMs(), this);
    outageHeartbeats = new OutageHeartbeats(vertx, leases, outage);
    schedule(0);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    leadership.stepDown();
    return unregisterOutageConsumer();
  }

  public boolean leading() {
    return leadership != null && leadership.epoch() != null;
  }

  public Long epoch() {
    return leadership == null ? null : leadership.epoch();
  }

  @Override
  public void lockTaken() {
    if (outageConsumer == null) {
      outageConsumer = vertx.eventBus().consumer(Addresses.OUTAGE_HEARTBEAT, outageHeartbeats::handle);
    }
  }

  @Override
  public void elected(LeaderStore.Takeover takeover) {
    outage.graceCommitted(); // the takeover statement committed the grace
    settings.guard().reset();
    settings.guard().graced(settings.monoMs().getAsLong());
    reconcilePending = true;
  }

  @Override
  public void lost(String why) {
    unregisterOutageConsumer();
  }

  private Future<Void> unregisterOutageConsumer() {
    MessageConsumer<Object> c = outageConsumer;
    outageConsumer = null;
    return c == null ? Future.succeededFuture() : c.unregister();
  }

  private void schedule(long delayMs) {
    if (!stopped) {
      timer = vertx.setTimer(Math.max(1, delayMs), t -> tick());
    }
  }

  private void tick() {
    leadership.ensure()
        .compose(epoch -> epoch == null ? Future.succeededFuture(0) : pass(epoch))
        .onComplete(ar -> {
          if (ar.failed()) {
            ReachException e = BusErrors.classify(ar.cause());
            if (e.code() == ErrorCode.DB_UNAVAILABLE || e.code() == ErrorCode.DB_CIRCUIT_OPEN) {
              outage.databaseDown();
              settings.guard().reset();
            }
            LOG.warning("leader duties: " + e.getMessage());
            schedule(settings.intervalMs());
          } else {
            // a full batch means more may be due: go again at once
            schedule(ar.result() >= BATCH ? 1 : settings.intervalMs());
          }
        });
  }

  private Future<Integer> pass(long epoch) {
    Future<Void> first = Future.succeededFuture();
    if (outage.graceNeeded()) {
      first = grace(epoch, outage.graceReason());
    }
    return first
        .compose(v -> reconcilePending ? reconcile() : Future.<Void>succeededFuture())
        .compose(v -> store.probe())
        .compose(probe -> {
          outage.databaseUp();
          if (probe.epoch() != epoch) {
            leadership.deposed(probe.epoch());
            return Future.succeededFuture(0);
          }
          ExpiryGuard.Verdict verdict = settings.guard().judge(probe, settings.monoMs().getAsLong());
          if (verdict != ExpiryGuard.Verdict.REAP) {
            LOG.severe("ALERT " + verdict.name().toLowerCase(java.util.Locale.ROOT) + ": " + settings.guard().detail()
                + "; treated as an outage: grace of " + settings.graceMs() + " ms instead of expiring");
            return grace(epoch, verdict.name().toLowerCase(java.util.Locale.ROOT)).map(0);
          }
          return probe.expiring() == 0 ? Future.succeededFuture(0) : reap(epoch);
        });
  }

  private Future<Void> grace(long epoch, String reason) {
    return store.grace(epoch, settings.graceMs(), reason).compose(graced -> {
      if (graced < 0) {
        return store.probe().map(p -> {
          leadership.deposed(p.epoch());
          return null;
        });
      }
      outage.graceCommitted();
      settings.guard().graced(settings.monoMs().getAsLong());
      LOG.warning("leader grace committed (" + reason + "): " + graced + " active lease(s) now run at least "
          + settings.graceMs() + " ms before anything expires");
      return Future.succeededFuture();
    });
  }

  /** After an election: leases of superseded runner incarnations are expired; runners are woken if work waits. */
  private Future<Void> reconcile() {
    return store.supersededIncarnations()
        .compose(list -> {
          Future<Void> chain = Future.succeededFuture();
          for (LeaderStore.Superseded s : list) {
            chain = chain.compose(v -> leases.expireOtherIncarnations(s.runnerId(), s.incarnation()).map(expired -> {
              if (!expired.isEmpty()) {
                LOG.info("reconciler: " + expired.size() + " lease(s) of runner " + s.runnerId()
                    + " held by a superseded incarnation expired");
                announce(expired);
              }
              return null;
            }));
          }
          return chain;
        })
        .compose(v -> store.queuedCount())
        .map(queued -> {
          reconcilePending = false;
          if (queued > 0) {
            vertx.eventBus().publish(Addresses.WORK_AVAILABLE, new JsonObject());
          }
          LOG.info("reconciler: done (" + queued + " job(s) queued)");
          return null;
        });
  }

  private Future<Integer> reap(long epoch) {
    return leases.reapExpired(BATCH, epoch).map(expired -> {
      if (!expired.isEmpty()) {
        LOG.info("lease reaper: " + expired.size() + " expired attempt(s) ended");
        announce(expired);
      }
      return expired.size();
    });
  }

  private void announce(List<LeaseStore.Expired> expired) {
    JsonArray tokens = new JsonArray();
    expired.forEach(e -> tokens.add(e.token()));
    vertx.eventBus().publish(Addresses.KILL_ATTEMPTS, new JsonObject().put("tokens", tokens));
    vertx.eventBus().publish(Addresses.WORK_AVAILABLE, new JsonObject());
  }
}
