package dev.reach.orchestrator.api;

import dev.reach.orchestrator.store.AdminStore;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.Fields;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The orchestrator's side of the hub's admin API, on the event bus: token lookup by hash, the
 * system figures, and appending operator actions and heals to the event log.
 */
public final class AdminBusApi extends VerticleBase {
  private static final Set<String> AUDIT_TYPES = Set.of("manual_restart", "heal_attempted", "manual_restart_refused");

  private final AdminStore store;
  private final long runnerWindowMs;
  private final ProtocolCounters counters;
  private BusHandlers handlers;

  public AdminBusApi(AdminStore store, long runnerWindowMs, ProtocolCounters counters) {
    this.store = store;
    this.counters = counters;
    this.runnerWindowMs = runnerWindowMs;
  }

  @Override
  public Future<?> start() {
    handlers = new BusHandlers(vertx, counters::requestError)
        .on(Addresses.ADMIN_TOKEN_VERIFY, this::verify)
        .on(Addresses.ADMIN_SYSTEM_FIGURES, body -> store.systemFigures(runnerWindowMs))
        .on(Addresses.ADMIN_AUDIT, this::audit)
        .reregisterOnMerge(context);
    return handlers.ready();
  }

  @Override
  public Future<?> stop() {
    return handlers.unregister();
  }

  private Future<JsonObject> verify(JsonObject body) {
    String sha = Fields.string(body, "token_sha256");
    if (!sha.matches("[0-9a-f]{64}")) {
      throw new ReachException(ErrorCode.MALFORMED_MESSAGE, "field 'token_sha256' must be 64 lowercase hex digits",
          "token_sha256");
    }
    return store.verify(sha).map(token -> {
      if (token == null) {
        throw new ReachException(ErrorCode.UNAUTHORIZED, "unknown or revoked token");
      }
      return token;
    });
  }

  private Future<JsonObject> audit(JsonObject body) {
    String type = Fields.string(body, "type");
    if (!AUDIT_TYPES.contains(type)) {
      throw new ReachException(ErrorCode.MALFORMED_MESSAGE, "field 'type' must be one of " + AUDIT_TYPES, "type");
    }
    return store.appendAudit(type, Fields.object(body, "payload")).map(seq -> new JsonObject().put("seq", seq));
  }
}
