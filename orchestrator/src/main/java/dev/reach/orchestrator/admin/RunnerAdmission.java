package dev.reach.orchestrator.admin;

import dev.reach.orchestrator.store.AdminStore;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.JoinCredential;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.auth.TokenLookups;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Lets only runners that joined use the lease protocol. Every claim, heartbeat, started, completion
 * and restart report carries the SHA-256 of the runner's join token ({@link JoinCredential}); a
 * message without one, or whose token is unknown, revoked or not a {@code runner} token, is refused
 * with {@code 403 FORBIDDEN} and counted in {@code runner_refusals}. A token is looked up again once
 * its last check is older than {@link #RECHECK} — one lookup per token at a time, and a runner that joined
 * is not held up by it on the work it holds (its reports pass on what was known and the answer decides for the
 * next ones), while a claim always waits for the answer — so a revocation stops claims within that time. While
 * the database cannot answer, a token verified within {@link #LAST_KNOWN_GOOD} still passes — heartbeats
 * must ride through an outage — and an unknown one gets the database's retryable error.
 */
public final class RunnerAdmission {
  static final Duration RECHECK = Duration.ofSeconds(5);
  static final Duration LAST_KNOWN_GOOD = Duration.ofMinutes(10);
  private static final Duration LOG_EVERY = Duration.ofMinutes(1);
  private static final Logger LOG = Logger.getLogger(RunnerAdmission.class.getName());

  private record Checked(Instant at) {}

  private final AdminStore store;
  private final boolean enabled;
  private final Clock clock;
  private final Map<String, Checked> joined = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastLogged = new ConcurrentHashMap<>();
  private final TokenLookups lookups;
  private final AtomicLong refused = new AtomicLong();

  public RunnerAdmission(AdminStore store, boolean enabled, Clock clock) {
    this.store = store;
    this.lookups = new TokenLookups(sha -> store.verify(sha)); // store is null when auth is off (nobody is looked up)
    this.enabled = enabled;
    this.clock = clock;
  }

  /** Admits everyone: for auth off. */
  public static RunnerAdmission open() {
    return new RunnerAdmission(null, false, Clock.systemUTC());
  }

  public boolean enabled() {
    return enabled;
  }

  /** Messages refused since start. */
  public long refused() {
    return refused.get();
  }

  /** Succeeds when the sender of a message to {@code address} with these headers and body joined. */
  public Future<Void> admit(String address, MultiMap headers, JsonObject body) {
    if (!enabled) {
      return Future.succeededFuture();
    }
    Object id = body == null ? null : body.getValue("runner_id");
    String runner = id instanceof String s && !s.isBlank() ? s : "?";
    String sha = JoinCredential.hashIn(headers);
    if (sha == null) {
      return refuse(runner, "no_join_token", address,
          "runner '" + runner + "' did not join: its messages carry no join token (set REACH_RUNNER_JOIN_TOKEN)");
    }
    Instant now = clock.instant();
    Checked last = joined.get(sha);
    if (last != null && last.at().plus(RECHECK).isAfter(now)) {
      return Future.succeededFuture();
    }
    Future<JsonObject> lookup = lookups.get(sha);
    if (!Addresses.CLAIM.equals(address) && last != null && last.at().plus(LAST_KNOWN_GOOD).isAfter(now)) {
      // a joined runner's reports on work it holds (heartbeats, starts, completions) are not held up by the
      // re-check: they pass on what was known and the lookup decides for the next ones. A frozen database
      // would otherwise hold every heartbeat for a statement timeout, past the runner's request timeout.
      // A claim, which gets new work, always waits for the answer: a revoked token gets no work after it.
      lookup.onSuccess(token -> {
        if (token != null && "runner".equals(token.getString("role"))) {
          joined.put(sha, new Checked(now));
        } else {
          joined.remove(sha);
        }
      });
      return Future.succeededFuture();
    }
    return lookup.transform(ar -> {
      if (ar.succeeded()) {
        JsonObject token = ar.result();
        if (token == null) {
          joined.remove(sha);
          return refuse(runner, "unknown_or_revoked_join_token", address,
              "runner '" + runner + "' did not join: its join token is unknown or revoked");
        }
        if (!"runner".equals(token.getString("role"))) {
          joined.remove(sha);
          return refuse(runner, "not_a_join_token", address, "runner '" + runner + "' did not join: token '"
              + token.getString("name") + "' has role " + token.getString("role") + ", not runner");
        }
        joined.put(sha, new Checked(now));
        return Future.succeededFuture();
      }
      ReachException e = BusErrors.classify(ar.cause());
      if (e.code().retryable() && last != null && last.at().plus(LAST_KNOWN_GOOD).isAfter(now)) {
        return Future.succeededFuture();
      }
      return Future.failedFuture(e);
    });
  }

  private Future<Void> refuse(String runner, String reason, String address, String message) {
    refused.incrementAndGet();
    String key = runner + "/" + reason;
    Instant now = clock.instant();
    Instant logged = lastLogged.get(key);
    if (logged == null || !logged.plus(LOG_EVERY).isAfter(now)) {
      if (lastLogged.size() > 1_000) {
        lastLogged.clear(); // bounded, however many runner ids a misconfigured fleet sends
      }
      lastLogged.put(key, now);
      LOG.warning("refused " + address + ": " + message);
    }
    store.recordRunnerRefusal(runner.length() > 200 ? runner.substring(0, 200) : runner, reason, address)
        .onFailure(t -> LOG.fine("could not record a runner refusal: " + t.getMessage()));
    return Future.failedFuture(new ReachException(ErrorCode.FORBIDDEN, message));
  }
}
