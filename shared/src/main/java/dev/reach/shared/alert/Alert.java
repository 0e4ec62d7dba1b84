package dev.reach.shared.alert;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One alert as the channels send it. The webhook body is {@link #toJson()}: {@code {"alert",
 * "level", "service", "node", "message", "count", "first_failure_at", "at"}}, where {@code count} is
 * the consecutive failures of the episode so far and {@code first_failure_at} when it began.
 */
public record Alert(
    String alert, AlertLevel level, String service, String node, String message, int count, Instant firstFailureAt,
    Instant at) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("alert", alert)
        .put("level", level.name())
        .put("service", service)
        .put("node", node)
        .put("message", message)
        .put("count", count)
        .put("first_failure_at", firstFailureAt == null ? null : firstFailureAt.toString())
        .put("at", at.toString());
  }
}
