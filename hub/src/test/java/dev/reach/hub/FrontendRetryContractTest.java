package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 003, "Report Frontend API Access SHALL Honor Degraded Retry Contracts": the module every page
 * of the hub calls the API through ({@code webroot/reach-api.js}), run by Node against a real HTTP
 * server that answers with the hub's own error rendering. Degraded answers are retried no sooner than
 * their hint, with backoff and a bounded number of tries; answers that are not retryable are not
 * retried at all.
 */
class FrontendRetryContractTest {
  final Vertx vertx = Vertx.vertx();
  final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void poolExhaustionOrCircuitOpenResponse() throws Exception {
    assumeTrue(nodeAvailable(), "node is not installed: the browser module's contract cannot be run here");
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      List<Long> seen = arrivals.computeIfAbsent(req.path(), p -> new CopyOnWriteArrayList<>());
      seen.add(System.nanoTime());
      switch (req.path()) {
        case "/circuit-open-twice" -> {
          if (seen.size() <= 2) {
            ErrorResponses.send(req.response(), new ReachException(ErrorCode.DB_CIRCUIT_OPEN,
                "database circuit breaker is open, retry later", null, 300, null));
          } else {
            req.response().putHeader("content-type", "application/json").end("{\"runs\":[]}");
          }
        }
        case "/pool-exhausted-always" -> ErrorResponses.send(req.response(), new ReachException(
            ErrorCode.DB_POOL_EXHAUSTED, "no database connection free, retry later", null, 150, null));
        default -> ErrorResponses.send(req.response(), new ReachException(ErrorCode.INVALID_REQUEST,
            "query parameter 'limit' must be a number", "limit"));
      }
    }).listen(0, "127.0.0.1").await();

    Path module = Path.of(getClass().getResource("/webroot/reach-api.js").toURI());
    Path script = Path.of(getClass().getResource("/js/retry-contract.mjs").toURI());
    Process node = new ProcessBuilder("node", script.toString(), module.toUri().toString(),
        "http://127.0.0.1:" + server.actualPort()).redirectErrorStream(true).start();
    List<JsonObject> results = new ArrayList<>();
    String out;
    try {
      assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
      out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      node.destroyForcibly();
    }
    assertThat(node.exitValue()).as(out).isZero();
    for (String line : out.strip().split("\n")) {
      results.add(new JsonObject(line));
    }

    JsonObject circuit = results.get(0);
    assertThat(circuit.getBoolean("ok")).as(circuit.encode()).isTrue();
    assertThat(arrivals.get("/circuit-open-twice")).hasSize(3);
    assertGapsAtLeast(arrivals.get("/circuit-open-twice"), 300);
    JsonArray waits = circuit.getJsonArray("degraded");
    assertThat(waits).hasSize(2);
    assertThat(waits.getJsonObject(0).getString("code")).isEqualTo("DB_CIRCUIT_OPEN");
    assertThat(waits.getJsonObject(0).getLong("retryInMs")).isGreaterThanOrEqualTo(300);

    JsonObject pool = results.get(1);
    assertThat(pool.getBoolean("ok")).isFalse();
    assertThat(pool.getString("code")).isEqualTo("DB_POOL_EXHAUSTED");
    assertThat(arrivals.get("/pool-exhausted-always")).as("bounded: maxAttempts").hasSize(4);
    assertGapsAtLeast(arrivals.get("/pool-exhausted-always"), 150);
    assertThat(pool.getJsonArray("degraded").stream().map(d -> ((JsonObject) d).getLong("retryInMs")))
        .allSatisfy(ms -> assertThat(ms).isBetween(150L, 400L));

    JsonObject invalid = results.get(2);
    assertThat(invalid.getString("code")).isEqualTo("INVALID_REQUEST");
    assertThat(arrivals.get("/invalid")).as("not retryable: asked once").hasSize(1);
  }

  private static void assertGapsAtLeast(List<Long> nanos, long ms) {
    for (int i = 1; i < nanos.size(); i++) {
      assertThat(TimeUnit.NANOSECONDS.toMillis(nanos.get(i) - nanos.get(i - 1))).isGreaterThanOrEqualTo(ms);
    }
  }

  private static boolean nodeAvailable() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }
}
