package dev.reach.shared.alert;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What is remembered of one alert key across restarts: the level it was last raised at, the
 * consecutive failures of the current episode (0 when healthy) and when it began, when the alert
 * was last sent and how many times it has been sent in all. Immutable.
 */
public record AlertState(
    String key, AlertLevel level, int consecutiveFailures, Instant firstFailureAt, Instant lastSentAt, long sentCount,
    String lastMessage) {

  static AlertState fresh(String key, AlertLevel level) {
    return new AlertState(key, level, 0, null, null, 0, null);
  }

  /** One more failure at {@code now}; {@code atLeast} raises the count at once (a one-off event). */
  AlertState failed(AlertLevel newLevel, Instant now, String message, int atLeast) {
    int count = Math.max(consecutiveFailures + 1, atLeast);
    Instant first = consecutiveFailures == 0 ? now : firstFailureAt;
    return new AlertState(key, newLevel, count, first, lastSentAt, sentCount, message);
  }

  AlertState sent(Instant now) {
    return new AlertState(key, level, consecutiveFailures, firstFailureAt, now, sentCount + 1, lastMessage);
  }

  AlertState reset() {
    return new AlertState(key, level, 0, null, lastSentAt, sentCount, lastMessage);
  }

  /** Whether the alert was sent during the current episode (so its end is worth a "resolved" line). */
  boolean sentThisEpisode() {
    return firstFailureAt != null && lastSentAt != null && !lastSentAt.isBefore(firstFailureAt);
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("level", level.name())
        .put("consecutive_failures", consecutiveFailures)
        .put("first_failure_at", firstFailureAt == null ? null : firstFailureAt.toString())
        .put("last_sent_at", lastSentAt == null ? null : lastSentAt.toString())
        .put("sent_count", sentCount)
        .put("last_message", lastMessage);
  }

  static AlertState fromJson(String key, JsonObject o) {
    return new AlertState(
        key,
        AlertLevel.valueOf(o.getString("level", AlertLevel.WARNING.name())),
        o.getInteger("consecutive_failures", 0),
        instant(o.getString("first_failure_at")),
        instant(o.getString("last_sent_at")),
        o.getLong("sent_count", 0L),
        o.getString("last_message"));
  }

  private static Instant instant(String s) {
    return s == null ? null : Instant.parse(s);
  }
}
