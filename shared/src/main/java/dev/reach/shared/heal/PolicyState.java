package dev.reach.shared.heal;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * A component's self-healing policy at one moment: {@code allowed}, {@code cooling_down} (with the
 * time left) or {@code blocked} (heal budget of the window spent; with the time until one frees).
 */
public record PolicyState(Kind kind, Duration remaining, int healsInWindow, int maxHeals, String reason) {
  public enum Kind {
    ALLOWED, COOLING_DOWN, BLOCKED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("state", kind.wire())
        .put("remaining_seconds", (remaining.toMillis() + 999) / 1000)
        .put("heals_in_window", healsInWindow)
        .put("max_heals", maxHeals)
        .put("reason", reason);
  }
}
