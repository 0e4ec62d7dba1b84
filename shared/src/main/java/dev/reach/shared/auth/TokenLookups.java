package dev.reach.shared.auth;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One lookup per token hash at a time: callers arriving while a lookup of the same hash is out share its
 * answer, so a burst of requests (or runner messages) with one token costs one question to the store.
 * Safe to use from several event loops.
 */
public final class TokenLookups {
  private final Function<String, Future<JsonObject>> lookup;
  private final Map<String, Future<JsonObject>> asking = new ConcurrentHashMap<>();

  /** {@code lookup}: asks the token store about one hash. */
  public TokenLookups(Function<String, Future<JsonObject>> lookup) {
    this.lookup = lookup;
  }

  /** The answer for {@code sha}: the lookup under way, or a new one. */
  public Future<JsonObject> get(String sha) {
    Future<JsonObject> pending = asking.get(sha);
    if (pending != null) {
      return pending;
    }
    Promise<JsonObject> answer = Promise.promise();
    pending = asking.putIfAbsent(sha, answer.future());
    if (pending != null) {
      return pending;
    }
    lookup.apply(sha).onComplete(ar -> {
      asking.remove(sha, answer.future());
      answer.handle(ar);
    });
    return answer.future();
  }

  /** Forgets the lookups under way: the next caller asks again (their own callers still get their answers). */
  public void clear() {
    asking.clear();
  }
}
