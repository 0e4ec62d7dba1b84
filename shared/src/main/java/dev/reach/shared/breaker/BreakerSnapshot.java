package dev.reach.shared.breaker;

import io.vertx.core.json.JsonObject;

/**
 * What a {@link DependencyBreaker} keeps across a restart: its state, the failures counted in it,
 * since when it is open (epoch ms of the breaker's clock, -1 when closed) and how often it opened.
 */
public record BreakerSnapshot(String name, BreakerState state, int failures, long openedAtMs, long timesOpened) {

  public JsonObject toJson() {
    return new JsonObject().put("state", state.name()).put("failure_count", failures)
        .put("opened_at_ms", openedAtMs < 0 ? null : openedAtMs).put("times_opened", timesOpened);
  }

  /** @throws IllegalArgumentException when {@code json} is not a snapshot */
  public static BreakerSnapshot fromJson(String name, JsonObject json) {
    try {
      BreakerState state = BreakerState.valueOf(json.getString("state"));
      int failures = json.getInteger("failure_count", 0);
      Long openedAt = json.getLong("opened_at_ms");
      long times = json.getLong("times_opened", 0L);
      if (failures < 0 || times < 0 || (state != BreakerState.CLOSED && openedAt == null)) {
        throw new IllegalArgumentException("inconsistent breaker snapshot for " + name + ": " + json.encode());
      }
      return new BreakerSnapshot(name, state, failures, openedAt == null ? -1 : openedAt, times);
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed breaker snapshot for " + name + ": " + json.encode(), e);
    }
  }
}
