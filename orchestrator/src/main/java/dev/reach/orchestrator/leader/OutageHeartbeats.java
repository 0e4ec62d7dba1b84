package dev.reach.orchestrator.leader;

import dev.reach.orchestrator.store.LeaseStore;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.Fields;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.HeartbeatAck;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.logging.Logger;

/**
 * The leader's answer to a heartbeat a runner could not get committed. It first tries the real
 * renewal; only when the database cannot be reached does it grant an outage extension — the
 * runner's held leases may run one more TTL, never beyond the ride-through cap counted from the
 * start of the outage. Every extension makes a grace due before the reaper may expire anything.
 */
final class OutageHeartbeats {
  private static final Logger LOG = Logger.getLogger(OutageHeartbeats.class.getName());

  private final Vertx vertx;
  private final LeaseStore leases;
  private final OutageState outage;
  private long lastLoggedMs = Long.MIN_VALUE;

  OutageHeartbeats(Vertx vertx, LeaseStore leases, OutageState outage) {
    this.vertx = vertx;
    this.leases = leases;
    this.outage = outage;
  }

  void handle(Message<Object> msg) {
    Heartbeat hb;
    try {
      hb = Heartbeat.fromJson(Fields.body(msg.body()));
    } catch (RuntimeException e) {
      BusErrors.fail(msg, e);
      return;
    }
    leases.heartbeat(hb).onComplete(ar -> {
      if (ar.succeeded()) {
        outage.databaseUp();
        if (!ar.result().released().isEmpty()) {
          vertx.eventBus().publish(Addresses.WORK_AVAILABLE, new JsonObject());
        }
        msg.reply(new HeartbeatAck(ar.result().renewed(), leases.ttlMs()).toJson());
        return;
      }
      ReachException e = BusErrors.classify(ar.cause());
      if (e.code() != ErrorCode.DB_UNAVAILABLE && e.code() != ErrorCode.DB_CIRCUIT_OPEN) {
        BusErrors.fail(msg, e);
        return;
      }
      outage.databaseDown();
      long left = outage.tryExtend();
      if (left <= 0) {
        BusErrors.fail(msg, new ReachException(ErrorCode.OUTAGE_CAP_REACHED,
            "database outage longer than the ride-through cap: no more extensions; watchers stop the jobs at their deadlines"));
        return;
      }
      long now = System.currentTimeMillis();
      if (now - lastLoggedMs > 5_000) {
        lastLoggedMs = now;
        LOG.warning("database unreachable: granting outage extensions (runner " + hb.runnerId() + ", "
            + hb.heldTokens().size() + " lease(s), " + left + " ms of ride-through left)");
      }
      msg.reply(new HeartbeatAck(hb.heldTokens(), leases.ttlMs(), true, left).toJson());
    });
  }
}
