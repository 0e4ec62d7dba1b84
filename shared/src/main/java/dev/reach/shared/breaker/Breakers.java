package dev.reach.shared.breaker;

import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every circuit breaker of this JVM — the database breaker of each pool and the dependency breakers
 * — for health output. Services register their breakers when they start and unregister them when
 * they stop; names need not be unique (two services of one JVM each have a database breaker).
 */
public final class Breakers {
  private static final Breakers JVM = new Breakers();

  private final List<Breaker> breakers = new CopyOnWriteArrayList<>();

  /** The registry of this JVM. */
  public static Breakers jvm() {
    return JVM;
  }

  public <B extends Breaker> B register(B breaker) {
    if (breakers.stream().noneMatch(b -> b == breaker)) {
      breakers.add(breaker);
    }
    return breaker;
  }

  public void unregister(Breaker breaker) {
    breakers.removeIf(b -> b == breaker);
  }

  public List<Breaker> all() {
    return List.copyOf(breakers);
  }

  /** One {@link Breaker#describe()} object per breaker, in registration order. Stable: shown by /health/deep. */
  public JsonArray describe() {
    JsonArray out = new JsonArray();
    breakers.forEach(b -> out.add(b.describe()));
    return out;
  }
}
