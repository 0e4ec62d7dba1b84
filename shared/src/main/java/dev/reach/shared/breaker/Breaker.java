package dev.reach.shared.breaker;

import io.vertx.core.json.JsonObject;

/** A circuit breaker as the {@link Breakers} registry and health output see it. */
public interface Breaker {
  String name();

  BreakerState state();

  /**
   * {@code {"name", "state", "failure_count", "failure_threshold", "success_threshold", "reset_ms",
   * "opened_at_ms" (null unless open or half-open), "times_opened"}}.
   */
  JsonObject describe();
}
