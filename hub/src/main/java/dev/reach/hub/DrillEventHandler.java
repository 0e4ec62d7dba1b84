package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code POST /admin/api/drill-events {"type", "drill_id", "scenario", "target", "detail"?}}: a step of a
 * failover drill ({@code reachctl drill run}) appended to the event log, naming the token that asked as
 * its {@code actor}, so the audit trail shows the rehearsal next to what it caused. Types:
 * {@code drill_started}, {@code drill_fault_injected}, {@code drill_fault_cleared}, {@code drill_finished}.
 * {@code 201 {"seq"}}.
 */
final class DrillEventHandler implements Handler<RoutingContext> {
  static final Set<String> TYPES = Set.of("drill_started", "drill_fault_injected", "drill_fault_cleared", "drill_finished");
  private static final Set<String> FIELDS = Set.of("type", "drill_id", "scenario", "target", "detail");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");
  private static final int MAX_DETAIL_CHARS = 8 * 1024;

  private final OrchestratorClient orchestrator;

  DrillEventHandler(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonObject body = JsonBody.object(ctx);
    JsonBody.requireOnly(body, FIELDS);
    if (!(body.getValue("type") instanceof String type) || !TYPES.contains(type)) {
      throw invalid("type", "field 'type' must be one of " + TYPES);
    }
    JsonObject payload = new JsonObject()
        .put("drill_id", name(body, "drill_id"))
        .put("scenario", name(body, "scenario"))
        .put("target", name(body, "target"));
    Object detail = body.getValue("detail", new JsonObject());
    if (!(detail instanceof JsonObject d)) {
      throw invalid("detail", "field 'detail' must be a JSON object");
    }
    if (d.encode().length() > MAX_DETAIL_CHARS) {
      throw invalid("detail", "field 'detail' must encode to at most " + MAX_DETAIL_CHARS + " characters");
    }
    payload.put("detail", d).put("actor", (String) ctx.get(TokenAuth.PRINCIPAL));
    orchestrator.appendDrillEvent(type, payload)
        .onSuccess(reply -> JsonResponses.send(ctx, 201, reply))
        .onFailure(ctx::fail);
  }

  private static String name(JsonObject body, String field) {
    if (!(body.getValue(field) instanceof String v) || !NAME.matcher(v).matches()) {
      throw invalid(field, "field '" + field + "' is required: 1-100 letters, digits, '.', '_', ':' or '-'");
    }
    return v;
  }

  private static ReachException invalid(String field, String message) {
    return new ReachException(ErrorCode.INVALID_REQUEST, message, field);
  }
}
