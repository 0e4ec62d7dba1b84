package dev.reach.orchestrator.api;

import dev.reach.orchestrator.admin.FirstAdminToken;
import dev.reach.orchestrator.admin.TokenValues;
import dev.reach.orchestrator.store.AdminStore;
import dev.reach.orchestrator.store.ProjectionRebuild;
import dev.reach.orchestrator.store.ProjectionReport;
import dev.reach.orchestrator.store.RunStateStore;
import dev.reach.shared.alert.AlertKeys;
import dev.reach.shared.alert.AlertLevel;
import dev.reach.shared.alert.Alerts;
import dev.reach.shared.auth.TokenHash;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.Fields;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.UUID;

/**
 * The orchestrator's side of the hub's admin API, on the event bus: token lookup by hash, the
 * system figures, appending operator actions and heals to the event log (an operator action names
 * its {@code actor} and {@code reason}; a failover drill's steps name theirs), projection rebuilds and dump-state.
 */
public final class AdminBusApi extends VerticleBase {
  private static final Set<String> AUDIT_TYPES = Set.of("manual_restart", "heal_attempted", "manual_restart_refused",
      "drill_started", "drill_fault_injected", "drill_fault_cleared", "drill_finished", "backup_taken", "backup_failed");

  private final AdminStore store;
  private final long runnerWindowMs;
  private final ProtocolCounters counters;
  private final ProjectionRebuild rebuild;
  private final RunStateStore runState;
  private final long askTimeoutMs;
  private final Alerts alerts;
  private BusHandlers handlers;
  private RunStateDump dump;

  public AdminBusApi(AdminStore store, long runnerWindowMs, ProtocolCounters counters, ProjectionRebuild rebuild,
      RunStateStore runState, long askTimeoutMs) {
    this(store, runnerWindowMs, counters, rebuild, runState, askTimeoutMs, Alerts.none());
  }

  /** {@code alerts}: where a {@code backup_failed} raises (and a {@code backup_taken} clears) the backup alert. */
  public AdminBusApi(AdminStore store, long runnerWindowMs, ProtocolCounters counters, ProjectionRebuild rebuild,
      RunStateStore runState, long askTimeoutMs, Alerts alerts) {
    this.alerts = alerts;
    this.store = store;
    this.counters = counters;
    this.runnerWindowMs = runnerWindowMs;
    this.rebuild = rebuild;
    this.runState = runState;
    this.askTimeoutMs = askTimeoutMs;
  }

  @Override
  public Future<?> start() {
    dump = new RunStateDump(vertx, runState, askTimeoutMs);
    handlers = new BusHandlers(vertx, counters::requestError)
        .on(Addresses.ADMIN_TOKEN_VERIFY, this::verify)
        .on(Addresses.ADMIN_TOKEN_CREATE, this::createToken)
        .on(Addresses.ADMIN_TOKEN_LIST, body -> store.listTokens().map(arr -> new JsonObject().put("tokens", arr)))
        .on(Addresses.ADMIN_TOKEN_REVOKE, this::revokeToken)
        .on(Addresses.ADMIN_RUNNER_REFUSALS,
            body -> store.runnerRefusals().map(arr -> new JsonObject().put("refusals", arr)))
        .on(Addresses.ADMIN_SYSTEM_FIGURES, body -> store.systemFigures(runnerWindowMs))
        .on(Addresses.ADMIN_AUDIT, this::audit)
        .on(Addresses.ADMIN_REBUILD_PROJECTIONS, this::rebuild)
        .on(Addresses.ADMIN_RUN_STATE, body -> dump.dump(runId(body)))
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

  /** Makes a token; the reply is the only place its value ever appears. */
  private Future<JsonObject> createToken(JsonObject body) {
    String name = Fields.string(body, "name");
    String role = Fields.string(body, "role");
    String actor = Fields.string(body, "actor");
    String token = TokenValues.generate();
    return store.createToken(name, role, TokenHash.sha256(token), actor)
        .map(row -> row.put("token", token));
  }

  private Future<JsonObject> revokeToken(JsonObject body) {
    String id = Fields.string(body, "id");
    UUID uuid;
    try {
      uuid = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new ReachException(ErrorCode.NOT_FOUND, "no token with id " + id, "id");
    }
    return store.revokeToken(uuid, Fields.string(body, "actor")).map(row -> {
      if (row == null) {
        throw new ReachException(ErrorCode.NOT_FOUND, "no token with id " + id, "id");
      }
      vertx.eventBus().publish(Addresses.TOKEN_REVOKED, new JsonObject().put("id", id));
      return row;
    });
  }

  private Future<JsonObject> audit(JsonObject body) {
    String type = Fields.string(body, "type");
    if (!AUDIT_TYPES.contains(type)) {
      throw new ReachException(ErrorCode.MALFORMED_MESSAGE, "field 'type' must be one of " + AUDIT_TYPES, "type");
    }
    JsonObject payload = Fields.object(body, "payload");
    if (type.startsWith("backup_")) {
      // a backup's outcome, from the hub's admin API: it names its actor already; the alert does not
      // wait for the database (a backup often fails because the database is away)
      Fields.string(payload, "actor");
      if ("backup_failed".equals(type)) {
        alerts.event(AlertKeys.BACKUP_FAILED, AlertLevel.CRITICAL, "backup " + payload.getString("backup_id")
            + " failed: " + payload.getJsonObject("detail", new JsonObject()).getString("error", "(no reason given)"));
      } else {
        alerts.success(AlertKeys.BACKUP_FAILED);
      }
    } else if (type.startsWith("drill_")) {
      // a drill's step, from the hub's admin API: it names its actor already
      Fields.string(payload, "actor");
    } else if (!"heal_attempted".equals(type)) {
      // an operator's restart: the same actor and reason fields as every admin action's event
      payload = payload.copy().put("actor", payload.getString("by")).put("reason", payload.getString("reason"));
    }
    return store.appendAudit(type, payload).map(seq -> new JsonObject().put("seq", seq));
  }

  private Future<JsonObject> rebuild(JsonObject body) {
    Object dry = body.getValue("dry_run", false);
    if (!(dry instanceof Boolean dryRun)) {
      throw new ReachException(ErrorCode.INVALID_REQUEST, "field 'dry_run' must be true or false", "dry_run");
    }
    String actor = Fields.string(body, "actor");
    String reason = Fields.optString(body, "reason");
    if (reason != null && reason.length() > OrchestratorApi.MAX_REASON) {
      throw new ReachException(ErrorCode.INVALID_REQUEST, "reason must be at most " + OrchestratorApi.MAX_REASON
          + " characters", "reason");
    }
    String tokenId = Fields.optString(body, "actor_token_id");
    return rebuild.run(dryRun, tokenId == null ? actor : actor + " (" + tokenId + ")", reason)
        .map(ProjectionReport::toJson);
  }

  private static UUID runId(JsonObject body) {
    String id = Fields.string(body, "id");
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new ReachException(ErrorCode.RUN_NOT_FOUND, "no run with id " + id);
    }
  }
}
