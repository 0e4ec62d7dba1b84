package dev.reach.orchestrator.leader;

import dev.reach.shared.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What the leader tells the runners: attempts whose leases it ended (their jobs must die) and
 * that work is waiting. Fire and forget; on the event bus in production.
 */
public interface Announcer {
  /** These attempts' leases are no longer current: kill their jobs. */
  void killAttempts(List<Long> tokens);

  /** Queued work is waiting: idle runners should claim. */
  void workAvailable();

  /** Publishes on the event bus ({@link Addresses#KILL_ATTEMPTS}, {@link Addresses#WORK_AVAILABLE}). */
  static Announcer eventBus(Vertx vertx) {
    return new Announcer() {
      @Override
      public void killAttempts(List<Long> tokens) {
        JsonArray arr = new JsonArray();
        tokens.forEach(arr::add);
        vertx.eventBus().publish(Addresses.KILL_ATTEMPTS, new JsonObject().put("tokens", arr));
      }

      @Override
      public void workAvailable() {
        vertx.eventBus().publish(Addresses.WORK_AVAILABLE, new JsonObject());
      }
    };
  }
}
