package dev.reach.shared.db;

import dev.reach.shared.alert.AlertKeys;
import dev.reach.shared.alert.AlertLevel;
import dev.reach.shared.alert.Alerts;
import dev.reach.shared.metrics.ReachMetrics;
import io.vertx.circuitbreaker.CircuitBreakerState;

/**
 * A service's database signals: {@code reach_breaker_state{name="database",service}} and the
 * alerts its breaker drives. Every time the breaker opens (after
 * {@code REACH_DB_BREAKER_FAILURES} unreachable calls in a row, or when a half-open probe fails
 * again) is one more failure of {@code database_unreachable} (CRITICAL) and of
 * {@code breaker_open.database} (WARNING); closing is their success.
 */
public final class DbSignals {
  private DbSignals() {}

  public static void watch(Db db, String service, Alerts alerts, ReachMetrics metrics) {
    DbBreaker breaker = db.breaker();
    metrics.breaker(DbBreaker.NAME, service, () -> CircuitBreakerState.valueOf(breaker.state().name()));
    String breakerKey = AlertKeys.breakerOpen(DbBreaker.NAME);
    breaker.onChange(state -> {
      if (state == CircuitBreakerState.OPEN) {
        alerts.failure(AlertKeys.DATABASE_UNREACHABLE, AlertLevel.CRITICAL,
            "the database does not answer: circuit breaker " + DbBreaker.NAME + " opened");
        alerts.failure(breakerKey, AlertLevel.WARNING, "circuit breaker " + DbBreaker.NAME + " opened");
      } else if (state == CircuitBreakerState.CLOSED) {
        alerts.success(AlertKeys.DATABASE_UNREACHABLE);
        alerts.success(breakerKey);
      }
    });
  }
}
