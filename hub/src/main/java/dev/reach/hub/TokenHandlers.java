package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The admin API's tokens: {@code POST /admin/api/tokens {"name", "role"}} makes one and answers it
 * once ({@code 201}, the only time its value is shown; only its SHA-256 is kept);
 * {@code GET /admin/api/tokens} lists them (never a value or hash); {@code POST
 * /admin/api/tokens/:id/revoke} revokes one. Roles: {@code viewer}, {@code submitter}, {@code admin},
 * and {@code runner} for runner join tokens. Making and revoking are events naming the admin who did it.
 * {@code GET /admin/api/runner-refusals}: messages refused from runners that did not join.
 */
final class TokenHandlers {
  static final Set<String> ROLES = Set.of("viewer", "submitter", "admin", "runner");
  private static final Set<String> FIELDS = Set.of("name", "role");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._:@/-]{0,99}");

  private final OrchestratorClient orchestrator;
  private final TokenAuth auth;

  TokenHandlers(OrchestratorClient orchestrator, TokenAuth auth) {
    this.orchestrator = orchestrator;
    this.auth = auth;
  }

  void create(RoutingContext ctx) {
    JsonObject body = JsonBody.object(ctx);
    JsonBody.requireOnly(body, FIELDS);
    if (!(body.getValue("name") instanceof String name) || !NAME.matcher(name).matches()) {
      throw new ReachException(ErrorCode.INVALID_REQUEST, "field 'name' is required: 1-100 letters, digits,"
          + " spaces or . _ : @ / - (starting with a letter or digit)", "name");
    }
    if (!(body.getValue("role") instanceof String role) || !ROLES.contains(role)) {
      throw new ReachException(ErrorCode.INVALID_REQUEST, "field 'role' must be one of viewer, submitter, admin,"
          + " runner", "role");
    }
    orchestrator.createToken(name, role, ctx.get(TokenAuth.PRINCIPAL))
        .onSuccess(token -> {
          ctx.response().putHeader("Cache-Control", "no-store");
          JsonResponses.send(ctx, 201, token);
        })
        .onFailure(ctx::fail);
  }

  void list(RoutingContext ctx) {
    orchestrator.listTokens().onSuccess(reply -> JsonResponses.send(ctx, 200, reply)).onFailure(ctx::fail);
  }

  void revoke(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null || !id.matches("[0-9a-fA-F-]{36}")) {
      throw new ReachException(ErrorCode.NOT_FOUND, "no token with id " + (id == null ? "" : id.length() > 64
          ? id.substring(0, 64) + "..." : id), "id");
    }
    orchestrator.revokeToken(id, ctx.get(TokenAuth.PRINCIPAL))
        .onSuccess(reply -> {
          // the revoked token must not pass here once the caller has heard it is revoked
          auth.forgetVerified();
          JsonResponses.send(ctx, 200, reply);
        })
        .onFailure(ctx::fail);
  }

  void refusals(RoutingContext ctx) {
    orchestrator.runnerRefusals().onSuccess(reply -> JsonResponses.send(ctx, 200, reply)).onFailure(ctx::fail);
  }
}
