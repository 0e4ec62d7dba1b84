package dev.reach.shared.health;

import dev.reach.shared.heal.PolicyState;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What an operator should do now, from what health found: {@code recover} when a component is
 * failed or stuck (the watchdog restarts it, or — when its policy is blocked — an operator must, with
 * an acknowledgement), {@code throttle} when a dependency is down, a breaker is open or restarts churn
 * (shed load, let the breakers probe), else {@code observe}. Always with the reason.
 */
public record Recommendation(String action, String reason) {
  public static Recommendation decide(List<JsonObject> unhealthyComponents, PolicyState policy,
      List<String> degradedDependencies, List<String> openBreakers, boolean churnExceeded) {
    for (JsonObject c : unhealthyComponents) {
      String probe = c.getString("probe");
      if ("failed".equals(probe) || "stuck".equals(probe)) {
        String what = c.getString("name") + " is " + probe + " (" + c.getString("reason") + ")";
        return switch (policy.kind()) {
          case ALLOWED -> new Recommendation("recover", what + "; the watchdog restarts it");
          case COOLING_DOWN -> new Recommendation("recover", what + "; the watchdog restarts it after the cooldown ("
              + policy.toJson().getLong("remaining_seconds") + " s)");
          case BLOCKED -> new Recommendation("recover", what + "; automatic recovery is blocked by the churn policy ("
              + policy.reason() + "): restart it with POST /admin/api/worker/restart and \"acknowledge_blocked\": true");
        };
      }
    }
    if (!openBreakers.isEmpty()) {
      return new Recommendation("throttle", "circuit breaker open: " + String.join(", ", openBreakers)
          + "; calls fail fast with a retry hint while it probes — reduce load and let it close");
    }
    if (!degradedDependencies.isEmpty()) {
      return new Recommendation("throttle", "dependency down or degraded: " + String.join(", ", degradedDependencies)
          + "; components waiting on it are left to its breaker, not restarted");
    }
    if (churnExceeded) {
      return new Recommendation("throttle", "restart churn over its threshold; find the cause before more restarts");
    }
    if (policy.kind() == PolicyState.Kind.BLOCKED) {
      return new Recommendation("observe", "healthy now, but automatic recovery is blocked for "
          + policy.toJson().getLong("remaining_seconds") + " s (" + policy.reason() + ")");
    }
    return new Recommendation("observe", "all components and dependencies healthy");
  }

  public JsonObject toJson() {
    return new JsonObject().put("action", action).put("reason", reason);
  }
}
