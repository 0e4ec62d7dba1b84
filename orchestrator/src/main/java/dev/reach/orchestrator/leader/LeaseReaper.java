package dev.reach.orchestrator.leader;

import dev.reach.orchestrator.store.LeaseStore;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.error.BusErrors;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.logging.Logger;

/**
 * Leader-only duty: every interval, ends attempts whose lease expired (database clock) — back to
 * QUEUED while lost attempts remain, else QUARANTINED — and wakes runners for the requeued work.
 * Runs only while this node holds the leader lock; the others keep trying to take it.
 */
public final class LeaseReaper extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(LeaseReaper.class.getName());
  private static final int BATCH = 500;
  private final LeaseStore leases;
  private final long intervalMs;
  private LeaderLock leader;
  private long timer = -1;
  private boolean stopped;

  public LeaseReaper(LeaseStore leases, long intervalMs) {
    this.leases = leases;
    this.intervalMs = intervalMs;
  }

  @Override
  public Future<?> start() {
    leader = new LeaderLock(vertx, Math.max(100, intervalMs));
    schedule(0);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    leader.release();
    return Future.succeededFuture();
  }

  private void schedule(long delayMs) {
    if (stopped) {
      return;
    }
    timer = vertx.setTimer(Math.max(1, delayMs), t -> tick());
  }

  private void tick() {
    leader.tryAcquire()
        .compose(leading -> leading ? reap() : Future.succeededFuture(0))
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warning("lease reaper: " + BusErrors.classify(ar.cause()).getMessage());
            schedule(intervalMs);
          } else {
            // a full batch means more may be due: go again at once
            schedule(ar.result() >= BATCH ? 1 : intervalMs);
          }
        });
  }

  private Future<Integer> reap() {
    return leases.reapExpired(BATCH).map(expired -> {
      if (!expired.isEmpty()) {
        LOG.info("lease reaper: " + expired.size() + " expired attempt(s) ended");
        vertx.eventBus().publish(Addresses.KILL_ATTEMPTS, new JsonObject().put("tokens", tokens(expired)));
        vertx.eventBus().publish(Addresses.WORK_AVAILABLE, new JsonObject());
      }
      return expired.size();
    });
  }

  private static JsonArray tokens(List<LeaseStore.Expired> expired) {
    JsonArray arr = new JsonArray();
    expired.forEach(e -> arr.add(e.token()));
    return arr;
  }

  public boolean leading() {
    return leader != null && leader.held();
  }
}
