package dev.reach.orchestrator.leader;

import dev.reach.orchestrator.store.LeaderStore;
import dev.reach.orchestrator.store.LeaseStore;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * What the leader does in one pass, with no timers and no cluster in it: commit a pending grace
 * before anything else; after an election reconcile from Postgres; then probe, and expire run-out
 * leases unless the probe looks like an outage ({@link ExpiryGuard}), in which case a grace is
 * committed instead with an alert-level log line. Every leader-only statement carries the epoch,
 * so a pass run with an epoch that is no longer current changes nothing; finding the epoch moved
 * on is reported to {@code deposed}. Used from one thread or context at a time.
 */
public final class LeaderDuties {
  private static final Logger LOG = Logger.getLogger(LeaderDuties.class.getName());
  /** At most this many leases are expired per pass; a full batch means more may be due. */
  public static final int BATCH = 500;

  private final LeaseStore leases;
  private final LeaderStore store;
  private final OutageState outage;
  private final ExpiryGuard guard;
  private final long graceMs;
  private final LongSupplier monoMs;
  private final Announcer announcer;
  private final LongConsumer deposed;
  private final LeaderAlerts alerts;
  private boolean reconcilePending;

  /**
   * @param graceMs the grace every active lease gets (ride-through cap + TTL)
   * @param monoMs a monotonic clock in milliseconds
   * @param deposed told the epoch seen when this node's epoch was found superseded
   */
  public LeaderDuties(LeaseStore leases, LeaderStore store, OutageState outage, ExpiryGuard guard, long graceMs,
      LongSupplier monoMs, Announcer announcer, LongConsumer deposed) {
    this(leases, store, outage, guard, graceMs, monoMs, announcer, deposed, LeaderAlerts.none());
  }

  /** As above; {@code alerts} raises the expiry guard's verdicts. */
  public LeaderDuties(LeaseStore leases, LeaderStore store, OutageState outage, ExpiryGuard guard, long graceMs,
      LongSupplier monoMs, Announcer announcer, LongConsumer deposed, LeaderAlerts alerts) {
    this.alerts = alerts;
    this.leases = leases;
    this.store = store;
    this.outage = outage;
    this.guard = guard;
    this.graceMs = graceMs;
    this.monoMs = monoMs;
    this.announcer = announcer;
    this.deposed = deposed;
  }

  /** This node's takeover committed (and with it a grace over every active lease): reconcile before anything else. */
  public void elected() {
    outage.graceCommitted(); // the takeover statement committed the grace
    guard.reset();
    guard.graced(monoMs.getAsLong());
    reconcilePending = true;
  }

  public boolean reconcilePending() {
    return reconcilePending;
  }

  /**
   * An election or a pass failed. When the database could not be reached the outage is noted (a
   * grace becomes due) and the expiry guard forgets its last probe. Returns the classified failure.
   */
  public ReachException failed(Throwable cause) {
    ReachException e = BusErrors.classify(cause);
    if (e.code() == ErrorCode.DB_UNAVAILABLE || e.code() == ErrorCode.DB_CIRCUIT_OPEN) {
      outage.databaseDown();
      guard.reset();
    }
    LOG.warning("leader duties: " + e.getMessage());
    return e;
  }

  /** One pass as the leader of {@code epoch}; resolves to the number of leases expired. */
  public Future<Integer> pass(long epoch) {
    return Future.<Void>succeededFuture()
        .compose(v -> outage.graceNeeded() ? grace(epoch, outage.graceReason()) : Future.<Void>succeededFuture())
        .compose(v -> reconcilePending ? reconcile() : Future.<Void>succeededFuture())
        .compose(v -> store.probe())
        .compose(probe -> {
          outage.databaseUp();
          if (probe.epoch() != epoch) {
            deposed.accept(probe.epoch());
            return Future.succeededFuture(0);
          }
          ExpiryGuard.Verdict verdict = guard.judge(probe, monoMs.getAsLong());
          if (verdict != ExpiryGuard.Verdict.REAP) {
            String why = verdict.name().toLowerCase(Locale.ROOT);
            LOG.severe("ALERT " + why + ": " + guard.detail() + "; treated as an outage: grace of " + graceMs
                + " ms instead of expiring");
            alerts.guarded(verdict, guard.detail());
            return grace(epoch, why).map(0);
          }
          alerts.reaped();
          if (probe.expiring() == 0) {
            return Future.succeededFuture(0);
          }
          // an outage extension granted while the probe was out makes a grace due first
          return outage.graceNeeded() ? grace(epoch, outage.graceReason()).map(0) : reap(epoch);
        });
  }

  /** Pushes every active lease to at least now + grace; a superseded epoch is found out and reported. */
  Future<Void> grace(long epoch, String reason) {
    return store.grace(epoch, graceMs, reason).compose(graced -> {
      if (graced < 0) {
        return store.probe().map(p -> {
          deposed.accept(p.epoch());
          return null;
        });
      }
      outage.graceCommitted();
      guard.graced(monoMs.getAsLong());
      LOG.warning("leader grace committed (" + reason + "): " + graced + " active lease(s) now run at least "
          + graceMs + " ms before anything expires");
      return Future.succeededFuture();
    });
  }

  /** After an election: leases of superseded runner incarnations are expired; runners are woken if work waits. */
  Future<Void> reconcile() {
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
            announcer.workAvailable();
          }
          LOG.info("reconciler: done (" + queued + " job(s) queued)");
          return null;
        });
  }

  /** Expires run-out leases; outage extensions wait until it is done (see {@link OutageState#reapStarted}). */
  Future<Integer> reap(long epoch) {
    outage.reapStarted();
    return leases.reapExpired(BATCH, epoch).onComplete(ar -> outage.reapEnded()).map(expired -> {
      if (!expired.isEmpty()) {
        LOG.info("lease reaper: " + expired.size() + " expired attempt(s) ended");
        announce(expired);
      }
      return expired.size();
    });
  }

  private void announce(List<LeaseStore.Expired> expired) {
    List<Long> tokens = new ArrayList<>(expired.size());
    expired.forEach(e -> tokens.add(e.token()));
    announcer.killAttempts(tokens);
    announcer.workAvailable();
  }
}
