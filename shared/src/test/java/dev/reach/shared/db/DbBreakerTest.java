package dev.reach.shared.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.breaker.BreakerState;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.testing.BlockingLogHandler;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 003's "State transition occurs" and "Slow log handler under load" for the database breaker:
 * Vert.x's breaker calls its state handlers inside its own lock, so a log handler that stalls there
 * would stall every call through the breaker; DbBreaker hands the log line and listeners off.
 */
class DbBreakerTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  private DbBreaker breaker() {
    return new DbBreaker(vertx, ReachConfig.from(Map.of(
        "REACH_DB_BREAKER_FAILURES", "3",
        "REACH_DB_BREAKER_RESET_MS", "100"), 0));
  }

  private static Future<Object> down(DbBreaker b) {
    return b.call(() -> Future.failedFuture(new ConnectException("Connection refused")));
  }

  @Test
  void stateTransitionOccurs() {
    DbBreaker b = breaker();
    List<CircuitBreakerState> seen = new CopyOnWriteArrayList<>();
    b.onChange(seen::add);
    // answers and pool exhaustion are not outages
    b.call(() -> Future.failedFuture(new io.vertx.core.http.ConnectionPoolTooBusyException("busy"))).otherwiseEmpty().await();
    for (int i = 0; i < 3; i++) {
      Future<Object> f = down(b).otherwiseEmpty();
      f.await();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(CircuitBreakerState.OPEN));
    assertThat(b.describe().getLong("times_opened")).isEqualTo(1L);
    // after the reset time one probe decides: it succeeds, the breaker closes
    await().atMost(Duration.ofSeconds(10)).until(() -> b.state() == BreakerState.HALF_OPEN);
    b.call(() -> Future.succeededFuture("up")).await();
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);
    assertThat(seen).containsExactly(CircuitBreakerState.OPEN, CircuitBreakerState.HALF_OPEN, CircuitBreakerState.CLOSED);
    assertThat(b.describe().getValue("opened_at_ms")).isNull();
  }

  @Test
  void slowLogHandlerUnderLoad() throws Exception {
    DbBreaker b = breaker();
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try (BlockingLogHandler log = BlockingLogHandler.attachTo(DbBreaker.class.getName())) {
      for (int i = 0; i < 3; i++) {
        down(b).otherwiseEmpty().await(10, TimeUnit.SECONDS); // bounded: a breaker logging inside its lock hangs here
      }
      assertThat(log.awaitBlocked(10)).as("the OPEN log line is stuck in the handler").isTrue();

      // while the log backend is stuck: calls on other threads complete (refused while open, served
      // once the breaker half-opened and a probe closed it)...
      List<java.util.concurrent.Future<Integer>> load = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        load.add(callers.submit(() -> {
          int served = 0;
          for (int i = 0; i < 500; i++) {
            Future<String> f = b.call(() -> Future.succeededFuture("ok"));
            f.otherwiseEmpty().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            if (f.succeeded()) {
              served++;
            } else {
              assertThat(((ReachException) f.cause()).code()).isEqualTo(ErrorCode.DB_CIRCUIT_OPEN);
            }
          }
          return served;
        }));
      }
      for (java.util.concurrent.Future<Integer> f : load) {
        f.get(10, TimeUnit.SECONDS);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        b.call(() -> Future.succeededFuture("probe")).otherwiseEmpty().toCompletionStage().toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        return b.state() == BreakerState.CLOSED;
      });
      assertThat(log.messages()).as("nothing more was logged while the handler was stuck").hasSize(1);

      // ...and once the handler lets go, the transitions are logged in order
      log.release();
      await().atMost(Duration.ofSeconds(10)).until(() -> log.messages().size() == 3);
      assertThat(log.messages()).satisfiesExactly(
          m -> assertThat(m).contains("'database' CLOSED -> OPEN").contains("after 3 consecutive failures"),
          m -> assertThat(m).contains("'database' OPEN -> HALF_OPEN"),
          m -> assertThat(m).contains("'database' HALF_OPEN -> CLOSED"));
    } finally {
      callers.shutdownNow();
    }
  }
}
