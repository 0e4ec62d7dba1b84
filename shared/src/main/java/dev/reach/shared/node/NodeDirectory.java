package dev.reach.shared.node;

import dev.reach.shared.health.HealthRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.lang.management.ManagementFactory;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Every JVM of the cluster, as the admin API lists it: each node writes its health summary
 * (services and lifecycles, breakers, self-healing policy, restart churn) into a cluster-wide map
 * every few seconds with a time-to-live, so a node that died drops out by itself.
 */
public final class NodeDirectory {
  private static final Logger LOG = Logger.getLogger(NodeDirectory.class.getName());
  static final String MAP = "reach.nodes";
  public static final long PUBLISH_MS = 5_000;
  static final long TTL_MS = 3 * PUBLISH_MS;

  private final Vertx vertx;
  private final HealthRegistry health;
  private final String nodeId;
  private long timer = -1;
  private volatile boolean stopped;

  public NodeDirectory(Vertx vertx, HealthRegistry health) {
    this.vertx = vertx;
    this.health = health;
    this.nodeId = ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Publishes now and every {@link #PUBLISH_MS}. */
  public NodeDirectory start() {
    publish();
    timer = vertx.setPeriodic(PUBLISH_MS, id -> publish());
    return this;
  }

  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return map().compose(m -> m.remove(nodeId)).mapEmpty();
  }

  private Future<AsyncMap<String, JsonObject>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }

  /** Publishes this node's summary now (a lifecycle changed), besides the periodic publish. */
  public void publishNow() {
    if (!stopped) {
      vertx.runOnContext(v -> {
        if (!stopped) {
          publish();
        }
      });
    }
  }

  private void publish() {
    health.summary()
        .compose(s -> map().compose(m -> m.put(nodeId, s.copy().put("node_id", nodeId), TTL_MS)))
        .onFailure(t -> LOG.fine("node directory: could not publish: " + t));
  }

  /** Every node's latest summary (at most {@link #TTL_MS} old). */
  public static Future<JsonArray> list(Vertx vertx) {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(MAP)
        .compose(AsyncMap::values)
        .map(values -> {
          JsonArray out = new JsonArray();
          values.stream().sorted((a, b) -> a.getString("node_id").compareTo(b.getString("node_id"))).forEach(out::add);
          return out;
        });
  }
}
