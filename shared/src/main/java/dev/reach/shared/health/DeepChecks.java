package dev.reach.shared.health;

import dev.reach.shared.db.Db;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/** The dependency checks services register for {@code /health/deep}. */
public final class DeepChecks {
  private DeepChecks() {}

  /** {@code SELECT 1} through the pool and the breaker, with its latency and the breaker's state. */
  public static DependencyCheck database(String name, Db db) {
    return new DependencyCheck(name, () -> {
      long start = System.nanoTime();
      return db.ping().transform(ar -> Future.succeededFuture(new JsonObject()
          .put("status", ar.succeeded() ? "up" : "down")
          .put("latency_ms", millisSince(start))
          .put("breaker", db.breaker().describe())
          .put("error", ar.failed() ? ar.cause().getMessage() : null)));
    });
  }

  /** The cluster members this node sees (a single, non-clustered node is up with itself). */
  public static DependencyCheck cluster(String name, Vertx vertx) {
    return new DependencyCheck(name, () -> {
      JsonObject out = new JsonObject().put("clustered", vertx.isClustered());
      if (!vertx.isClustered()) {
        return Future.succeededFuture(out.put("status", "up").put("members", 1));
      }
      var cm = ((VertxInternal) vertx).clusterManager();
      JsonArray nodes = new JsonArray();
      cm.getNodes().forEach(nodes::add);
      return Future.succeededFuture(out.put("status", cm.isActive() ? "up" : "down")
          .put("members", nodes.size()).put("node_id", cm.getNodeId()).put("member_ids", nodes));
    });
  }

  /** An event-bus round trip to {@code address} (a request any such service answers). */
  public static DependencyCheck busRoundTrip(String name, Vertx vertx, String address, long timeoutMs) {
    return new DependencyCheck(name, () -> {
      long start = System.nanoTime();
      return vertx.eventBus().request(address, new JsonObject(), new DeliveryOptions().setSendTimeout(timeoutMs))
          .transform(ar -> Future.succeededFuture(new JsonObject()
              .put("status", ar.succeeded() ? "up" : "down")
              .put("address", address)
              .put("latency_ms", millisSince(start))
              .put("error", ar.failed() ? String.valueOf(ar.cause().getMessage()) : null)));
    });
  }

  /** Free space where {@code dir} lives; {@code degraded} below {@code minFreeBytes}. */
  public static DependencyCheck disk(String name, Vertx vertx, Path dir, long minFreeBytes) {
    return new DependencyCheck(name, () -> vertx.executeBlocking(() -> {
      Path p = dir.toAbsolutePath();
      while (p != null && !Files.exists(p)) {
        p = p.getParent();
      }
      var store = Files.getFileStore(p == null ? Path.of("/") : p);
      long free = store.getUsableSpace();
      return new JsonObject()
          .put("status", free < minFreeBytes ? "degraded" : "up")
          .put("path", dir.toAbsolutePath().toString())
          .put("free_bytes", free)
          .put("total_bytes", store.getTotalSpace())
          .put("min_free_bytes", minFreeBytes);
    }, false));
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
