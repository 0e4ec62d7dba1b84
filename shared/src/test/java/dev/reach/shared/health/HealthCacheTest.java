package dev.reach.shared.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.reach.shared.config.ReachConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthCacheTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String state(JsonObject summary, String service) {
    return summary.getJsonObject("services").getJsonObject(service).getString("state");
  }

  private JsonObject summary(HealthRegistry health) throws Exception {
    return health.summary().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aLifecycleChangeIsSeenAtOnceDespiteTheCache() throws Exception {
    ReachConfig cfg = ReachConfig.from(Map.of("REACH_HEALTH_CACHE_MS", "600000"), 0);
    HealthRegistry health = new HealthRegistry(vertx, cfg, Clock.systemUTC());
    Lifecycle lifecycle = health.lifecycle("svc", Clock.systemUTC());

    assertEquals("STARTING", state(summary(health), "svc"));
    // the payload is cached for ten minutes, but a lifecycle move makes it stale at once
    lifecycle.moveTo(LifecycleState.HEALTHY, "serving");
    assertEquals("HEALTHY", state(summary(health), "svc"));
    lifecycle.moveTo(LifecycleState.DRAINING, "stopping");
    assertEquals("DRAINING", state(summary(health), "svc"));
  }
}
