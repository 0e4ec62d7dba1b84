package dev.reach.orchestrator.leader;

import dev.reach.orchestrator.store.LeaseStore;
import dev.reach.shared.bus.Fields;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.HeartbeatAck;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import io.vertx.core.eventbus.Message;
import java.util.logging.Logger;

/**
 * The leader's answer to a heartbeat a runner could not get committed. It first tries the real
 * renewal; only when the database cannot be reached does it grant an outage extension — the
 * runner's held leases may run one more TTL, never beyond the ride-through cap counted from the
 * start of the outage. Every extension makes a grace due before the reaper may expire anything.
 */
public final class OutageHeartbeats {
  private static final Logger LOG = Logger.getLogger(OutageHeartbeats.class.getName());

  private final LeaseStore leases;
  private final OutageState outage;
  private final Announcer announcer;
  private final long tryTimeoutMs;
  private long lastLoggedMs;

  /** Without a bound on the renewal try (simulations: their database never hangs). */
  public OutageHeartbeats(LeaseStore leases, OutageState outage, Announcer announcer) {
    this(leases, outage, announcer, 0);
  }

  /**
   * {@code tryTimeoutMs} bounds the real renewal tried first (0: unbounded), well inside the
   * runner's own heartbeat timeout, so a frozen database cannot make the runner's request time
   * out before it gets its extension.
   */
  public OutageHeartbeats(LeaseStore leases, OutageState outage, Announcer announcer, long tryTimeoutMs) {
    this.leases = leases;
    this.outage = outage;
    this.announcer = announcer;
    this.tryTimeoutMs = tryTimeoutMs;
  }

  void handle(Message<Object> msg) {
    Heartbeat hb;
    try {
      hb = Heartbeat.fromJson(Fields.body(msg.body()));
    } catch (RuntimeException e) {
      BusErrors.fail(msg, e);
      return;
    }
    answer(hb).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result().toJson());
      } else {
        BusErrors.fail(msg, ar.cause());
      }
    });
  }

  /**
   * The answer to one outage heartbeat: a committed renewal when the database can be reached, else
   * an outage extension of the held tokens while the ride-through cap lasts; fails with
   * {@code OUTAGE_CAP_REACHED} past the cap, or with whatever else the renewal failed with.
   */
  public Future<HeartbeatAck> answer(Heartbeat hb) {
    return outage.reapDone().transform(x -> decide(hb));
  }

  private Future<HeartbeatAck> decide(Heartbeat hb) {
    if (outage.inOutage()) {
      // known down (failed calls or an open breaker): do not wait for the database again
      return extend(hb);
    }
    Future<LeaseStore.Renewal> renewal;
    try {
      renewal = leases.heartbeat(hb);
      if (tryTimeoutMs > 0) {
        renewal = renewal.timeout(tryTimeoutMs, TimeUnit.MILLISECONDS);
      }
    } catch (RuntimeException e) {
      renewal = Future.failedFuture(e); // a call that could not even be made failed like any other
    }
    return renewal.transform(ar -> {
      if (ar.succeeded()) {
        outage.databaseUp();
        if (!ar.result().released().isEmpty()) {
          announcer.workAvailable();
        }
        return Future.succeededFuture(new HeartbeatAck(ar.result().renewed(), leases.ttlMs()));
      }
      // Future.timeout fails with a java.util.concurrent.TimeoutException
      boolean timedOut = ar.cause() instanceof java.util.concurrent.TimeoutException;
      ReachException e = BusErrors.classify(ar.cause());
      if (!timedOut && e.code() != ErrorCode.DB_UNAVAILABLE && e.code() != ErrorCode.DB_CIRCUIT_OPEN) {
        return Future.failedFuture(e);
      }
      outage.databaseDown();
      return extend(hb);
    });
  }

  private Future<HeartbeatAck> extend(Heartbeat hb) {
    long left = outage.tryExtend();
    if (left <= 0) {
      return Future.failedFuture(new ReachException(ErrorCode.OUTAGE_CAP_REACHED,
          "database outage longer than the ride-through cap: no more extensions; watchers stop the jobs at their deadlines"));
    }
    long now = System.currentTimeMillis();
    if (now - lastLoggedMs > 5_000) {
      lastLoggedMs = now;
      LOG.warning("database unreachable: granting outage extensions (runner " + hb.runnerId() + ", "
          + hb.heldTokens().size() + " lease(s), " + left + " ms of ride-through left)");
    }
    return Future.succeededFuture(new HeartbeatAck(hb.heldTokens(), leases.ttlMs(), true, left));
  }
}
