package dev.reach.hub;

import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Guards the admin API: {@code Authorization: Bearer <token>}; the token's SHA-256 is looked up by
 * an orchestrator (the token itself never crosses the bus). No or unknown token: {@code 401
 * UNAUTHORIZED}; a live token without the admin role: {@code 403 FORBIDDEN}. The admin surface is
 * most needed when things are degraded, so when no orchestrator or database can answer, the token
 * configured in {@code REACH_ADMIN_TOKEN} and tokens verified within the last
 * {@link #LAST_KNOWN_GOOD} still pass; an answer that the token is unknown or revoked always wins.
 */
final class AdminAuth implements Handler<RoutingContext> {
  /** Who was let in, for the handlers: {@code token:<name>}. */
  static final String PRINCIPAL = "reach.admin.principal";
  /** The id of the token that was let in ({@code api_tokens.id}); absent when it was let in without an answer. */
  static final String TOKEN_ID = "reach.admin.token-id";
  static final Duration LAST_KNOWN_GOOD = Duration.ofMinutes(10);
  private static final String BEARER = "Bearer ";

  private record Verified(JsonObject token, Instant at) {}

  private final OrchestratorClient orchestrator;
  private final byte[] configuredSha;
  private final Clock clock;
  private final Map<String, Verified> lastKnownGood = new ConcurrentHashMap<>();

  AdminAuth(OrchestratorClient orchestrator, String configuredToken, Clock clock) {
    this.orchestrator = orchestrator;
    this.configuredSha = configuredToken == null ? null : sha256(configuredToken).getBytes(StandardCharsets.US_ASCII);
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        || header.substring(BEARER.length()).isBlank()) {
      unauthorized(ctx, "the admin API needs a token: send Authorization: Bearer <token>");
      return;
    }
    String sha = sha256(header.substring(BEARER.length()).trim());
    orchestrator.verifyToken(sha).onComplete(ar -> {
      if (ar.succeeded()) {
        lastKnownGood.put(sha, new Verified(ar.result(), clock.instant()));
        authorize(ctx, ar.result());
        return;
      }
      ReachException e = BusErrors.classify(ar.cause());
      if (e.code() == ErrorCode.UNAUTHORIZED) {
        lastKnownGood.remove(sha);
        unauthorized(ctx, "unknown or revoked token");
      } else if (e.code().retryable() && configuredSha != null
          && MessageDigest.isEqual(configuredSha, sha.getBytes(StandardCharsets.US_ASCII))) {
        authorize(ctx, new JsonObject().put("name", "REACH_ADMIN_TOKEN").put("role", "admin"));
      } else if (e.code().retryable() && recentlyVerified(sha) != null) {
        authorize(ctx, recentlyVerified(sha));
      } else {
        ctx.fail(e);
      }
    });
  }

  private JsonObject recentlyVerified(String sha) {
    Verified v = lastKnownGood.get(sha);
    return v != null && v.at().plus(LAST_KNOWN_GOOD).isAfter(clock.instant()) ? v.token() : null;
  }

  private static void authorize(RoutingContext ctx, JsonObject token) {
    String name = token.getString("name", "?");
    if (!"admin".equals(token.getString("role"))) {
      ctx.fail(new ReachException(ErrorCode.FORBIDDEN, "token '" + name + "' has role " + token.getString("role")
          + "; the admin API needs role admin"));
      return;
    }
    ctx.put(PRINCIPAL, "token:" + name);
    if (token.getString("id") != null) {
      ctx.put(TOKEN_ID, token.getString("id"));
    }
    ctx.next();
  }

  private static void unauthorized(RoutingContext ctx, String message) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"reach-admin\"");
    ctx.fail(new ReachException(ErrorCode.UNAUTHORIZED, message, "Authorization"));
  }

  static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
