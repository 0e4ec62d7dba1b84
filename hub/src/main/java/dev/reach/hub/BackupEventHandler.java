package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code POST /admin/api/backup-events {"type", "backup_id", "detail"?}}: the outcome of a database
 * backup ({@code reachctl admin backup}) appended to the event log, naming the token that asked as its
 * {@code actor}. Types: {@code backup_taken} (detail: the backup's manifest) and {@code backup_failed}
 * (detail: {@code error}); a {@code backup_failed} raises the orchestrator's {@code backup_failed} alert
 * even when the database cannot take the event. {@code 201 {"seq"}}.
 */
final class BackupEventHandler implements Handler<RoutingContext> {
  static final Set<String> TYPES = Set.of("backup_taken", "backup_failed");
  private static final Set<String> FIELDS = Set.of("type", "backup_id", "detail");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");
  private static final int MAX_DETAIL_CHARS = 8 * 1024;

  private final OrchestratorClient orchestrator;

  BackupEventHandler(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonObject body = JsonBody.object(ctx);
    JsonBody.requireOnly(body, FIELDS);
    if (!(body.getValue("type") instanceof String type) || !TYPES.contains(type)) {
      throw invalid("type", "field 'type' must be one of " + TYPES);
    }
    if (!(body.getValue("backup_id") instanceof String id) || !NAME.matcher(id).matches()) {
      throw invalid("backup_id", "field 'backup_id' is required: 1-100 letters, digits, '.', '_', ':' or '-'");
    }
    Object detail = body.getValue("detail", new JsonObject());
    if (!(detail instanceof JsonObject d)) {
      throw invalid("detail", "field 'detail' must be a JSON object");
    }
    if (d.encode().length() > MAX_DETAIL_CHARS) {
      throw invalid("detail", "field 'detail' must encode to at most " + MAX_DETAIL_CHARS + " characters");
    }
    JsonObject payload = new JsonObject().put("backup_id", id).put("detail", d)
        .put("actor", (String) ctx.get(TokenAuth.PRINCIPAL));
    orchestrator.appendDrillEvent(type, payload)
        .onSuccess(reply -> JsonResponses.send(ctx, 201, reply))
        .onFailure(ctx::fail);
  }

  private static ReachException invalid(String field, String message) {
    return new ReachException(ErrorCode.INVALID_REQUEST, message, field);
  }
}
