package dev.reach.hub;

import dev.reach.shared.auth.TokenHash;
import dev.reach.shared.auth.TokenLookups;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.bus.Addresses;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who may call what: {@code Authorization: Bearer <token>}, the token's SHA-256 looked up by an
 * orchestrator (the token itself never crosses the bus), its {@link ApiRole} compared with the role a
 * route needs ({@link #require}). No or unknown token: {@code 401 UNAUTHORIZED}; a live token whose
 * role is too low: {@code 403 FORBIDDEN}.
 *
 * <p>With auth off ({@code REACH_AUTH=false}, local mode) the public API lets everyone in unchecked;
 * the admin API always needs an admin token.
 *
 * <p>The admin surface is most needed when things are degraded, so when no orchestrator or database can
 * answer, the token configured in {@code REACH_ADMIN_TOKEN} and tokens verified within the last
 * {@link #LAST_KNOWN_GOOD} still pass; an answer that the token is unknown or revoked always wins.
 *
 * <p>A token verified within the last {@link #FRESH} passes without lookups again, and concurrent
 * requests with the same token share one question: a busy client costs one lookup every few seconds,
 * not one per request, and when the database freezes the token lookups cannot fill its pool. A
 * revocation empties these memories on every hub (the orchestrator publishes {@link
 * Addresses#TOKEN_REVOKED}; the hub that revoked empties its own before it answers), and if that
 * message is lost a revoked token still stops passing after {@link #FRESH}.
 */
final class TokenAuth {
  /** Who was let in, for the handlers: {@code token:<name>}, or {@code anonymous} with auth off. */
  static final String PRINCIPAL = "reach.auth.principal";
  /** The id of the token that was let in ({@code api_tokens.id}); absent when it was let in without an answer. */
  static final String TOKEN_ID = "reach.auth.token-id";
  /** The role of the token that was let in; absent with auth off. */
  static final String ROLE = "reach.auth.role";
  static final Duration LAST_KNOWN_GOOD = Duration.ofMinutes(10);
  static final Duration FRESH = Duration.ofSeconds(5);
  private static final String BEARER = "Bearer ";

  private record Verified(JsonObject token, Instant at) {}

  private final byte[] configuredSha;
  private final boolean enabled;
  private final Clock clock;
  private final RateLimiter limiter;
  private final Map<String, Verified> lastKnownGood = new ConcurrentHashMap<>();
  private final TokenLookups lookups;
  /** Moves on at every revocation: an answer to a question asked before it is used once, never remembered. */
  private final AtomicLong generation = new AtomicLong();

  /** {@code limiter} (null: no limit) counts every request let in, per token (per client address with auth off). */
  TokenAuth(OrchestratorClient orchestrator, String configuredToken, boolean enabled, Clock clock,
      RateLimiter limiter) {
    this.limiter = limiter;
    this.lookups = new TokenLookups(orchestrator::verifyToken);
    this.configuredSha = configuredToken == null ? null : TokenHash.sha256(configuredToken).getBytes(StandardCharsets.US_ASCII);
    this.enabled = enabled;
    this.clock = clock;
  }

  boolean enabled() {
    return enabled;
  }

  /**
   * For a public API route: lets through only requests whose token has at least {@code needed}; with
   * auth off, everyone.
   */
  Handler<RoutingContext> require(ApiRole needed) {
    return ctx -> check(ctx, needed, false);
  }

  /** For the admin API: an admin token, whether auth is on or off. */
  Handler<RoutingContext> adminApi() {
    return ctx -> check(ctx, ApiRole.ADMIN, true);
  }

  private void check(RoutingContext ctx, ApiRole needed, boolean always) {
    if (!enabled && !always) {
      ctx.put(PRINCIPAL, "anonymous");
      pass(ctx, "address:" + ctx.request().remoteAddress().hostAddress());
      return;
    }
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())
        || header.substring(BEARER.length()).isBlank()) {
      unauthorized(ctx, (always ? "the admin API" : "this API") + " needs a token: send"
          + " Authorization: Bearer <token>");
      return;
    }
    String token = header.substring(BEARER.length()).trim();
    if (token.length() > 1024) {
      unauthorized(ctx, "unknown or revoked token");
      return;
    }
    String sha = TokenHash.sha256(token);
    Verified known = lastKnownGood.get(sha);
    if (known != null && known.at().plus(FRESH).isAfter(clock.instant())) {
      authorize(ctx, known.token(), needed);
      return;
    }
    Context here = Vertx.currentContext();
    long asked = generation.get();
    lookups.get(sha).onComplete(ar -> {
      if (here != null && Vertx.currentContext() != here) {
        here.runOnContext(v -> decide(ctx, sha, needed, asked, ar));
      } else {
        decide(ctx, sha, needed, asked, ar);
      }
    });
  }

  /** Empties what this hub remembers of verified tokens: the next request with any token asks again. */
  void forgetVerified() {
    generation.incrementAndGet();
    lookups.clear();
    lastKnownGood.clear();
  }

  private void decide(RoutingContext ctx, String sha, ApiRole needed, long asked,
      AsyncResult<JsonObject> ar) {
    if (ctx.response().closed() || ctx.response().ended()) {
      return;
    }
    if (ar.succeeded()) {
      if (generation.get() == asked) {
        lastKnownGood.put(sha, new Verified(ar.result(), clock.instant()));
      }
      authorize(ctx, ar.result(), needed);
      return;
    }
    ReachException e = BusErrors.classify(ar.cause());
    if (e.code() == ErrorCode.UNAUTHORIZED) {
      lastKnownGood.remove(sha);
      unauthorized(ctx, "unknown or revoked token");
    } else if (e.code().retryable() && configuredSha != null
        && MessageDigest.isEqual(configuredSha, sha.getBytes(StandardCharsets.US_ASCII))) {
      authorize(ctx, new JsonObject().put("name", "REACH_ADMIN_TOKEN").put("role", "admin"), needed);
    } else if (e.code().retryable() && recentlyVerified(sha) != null) {
      authorize(ctx, recentlyVerified(sha), needed);
    } else {
      ctx.fail(e);
    }
  }

  private JsonObject recentlyVerified(String sha) {
    Verified v = lastKnownGood.get(sha);
    return v != null && v.at().plus(LAST_KNOWN_GOOD).isAfter(clock.instant()) ? v.token() : null;
  }

  private void authorize(RoutingContext ctx, JsonObject token, ApiRole needed) {
    String name = token.getString("name", "?");
    String role = token.getString("role");
    ApiRole has = ApiRole.parse(role);
    if (has == null || !has.allows(needed)) {
      ctx.fail(new ReachException(ErrorCode.FORBIDDEN, "token '" + name + "' has role " + role + "; "
          + needed.what() + " needs role " + needed.wire() + (needed == ApiRole.ADMIN ? "" : " or higher")));
      return;
    }
    ctx.put(PRINCIPAL, "token:" + name);
    ctx.put(ROLE, has);
    if (token.getString("id") != null) {
      ctx.put(TOKEN_ID, token.getString("id"));
    }
    pass(ctx, "token:" + token.getString("id", name));
  }

  /** Lets the request on, unless its client is over the rate limit: {@code 429 RATE_LIMITED} with Retry-After. */
  private void pass(RoutingContext ctx, String client) {
    long waitMs = limiter == null ? 0 : limiter.take(client);
    if (waitMs > 0) {
      ctx.fail(new ReachException(ErrorCode.RATE_LIMITED, "too many requests from this "
          + (client.startsWith("token:") ? "token" : "client") + "; retry after the Retry-After seconds", null,
          waitMs, null));
      return;
    }
    ctx.next();
  }

  private static void unauthorized(RoutingContext ctx, String message) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"reach\"");
    ctx.fail(new ReachException(ErrorCode.UNAUTHORIZED, message, "Authorization"));
  }
}
