package dev.reach.shared.cluster;

import com.hazelcast.multimap.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Repairs what Vert.x's Hazelcast cluster manager leaves behind when its own clean-up fails. When a
 * member leaves, every other member removes the leaver's event-bus registrations and node entry, then
 * re-publishes its own; under load that clean-up can throw half-way ({@code Failed to handle
 * memberRemoved}: {@code TargetNotMemberException} while membership still changes), and then a dead
 * node's registrations stay in {@code __vertx.subs} — requests are round-robined to it and time out
 * for good — or this node's own entry in {@code __vertx.nodeInfo} is gone, so nobody can send to it.
 * A compose drill saw the hub answer most requests {@code 504} after a leader kill under load.
 *
 * <p>Every {@code intervalMs}, off the event loop: registrations of a node that has not been a member
 * at two checks in a row are removed (two, so a member that joined a moment ago is never taken for
 * gone), and this node's own entry is put back when it is missing.
 */
public final class ClusterRegistryGuard {
  private static final Logger LOG = Logger.getLogger(ClusterRegistryGuard.class.getName());
  static final String SUBS = "__vertx.subs";
  static final String NODE_INFO = "__vertx.nodeInfo";

  private final HazelcastClusterManager manager;
  /** Node ids seen registered but not a member at the previous check. */
  private Set<String> absentBefore = Set.of();

  ClusterRegistryGuard(HazelcastClusterManager manager) {
    this.manager = manager;
  }

  /**
   * Starts the periodic check on {@code vertx}. At most one check runs at a time: a tick that finds the
   * previous check still running is skipped. While the cluster's partitions are unavailable a Hazelcast
   * call can block for minutes (its invocations retry); a check per tick would then take one worker
   * thread each until the pool is gone, and with it every other blocking task of the node (a local drill
   * saw a hub answer nothing once all 20 workers waited here).
   */
  public static void start(Vertx vertx, HazelcastClusterManager manager, long intervalMs) {
    ClusterRegistryGuard guard = new ClusterRegistryGuard(manager);
    schedule(vertx, intervalMs, manager::isActive, guard::check);
    // a member that merged back kept none of its map entries (they are discarded on merge): its own entry goes
    // back at once, not at the next check, which may wait behind one blocked in Hazelcast
    ClusterMerges.of(vertx).onMerged(vertx.getOrCreateContext(), () -> vertx.executeBlocking(() -> {
      guard.restoreOwnEntry();
      return null;
    }, false).onFailure(t -> LOG.fine("putting this node's entry back after a merge failed (the next check retries): " + t)));
  }

  /** Runs {@code check} off the event loop every {@code intervalMs} while {@code active}, never two at once; the timer id. */
  static long schedule(Vertx vertx, long intervalMs, BooleanSupplier active, Runnable check) {
    AtomicBoolean running = new AtomicBoolean();
    return vertx.setPeriodic(intervalMs, id -> {
      if (active.getAsBoolean() && running.compareAndSet(false, true)) {
        vertx.executeBlocking(() -> {
          check.run();
          return null;
        }, false).onComplete(ar -> {
          running.set(false);
          if (ar.failed()) {
            LOG.fine("cluster registry check failed (next one retries): " + ar.cause());
          }
        });
      }
    });
  }

  /** One check; the number of stale registrations removed. */
  synchronized int check() {
    Set<String> members = new HashSet<>(manager.getNodes());
    MultiMap<String, HazelcastRegistrationInfo> subs = manager.getHazelcastInstance().getMultiMap(SUBS);
    Set<String> absent = new HashSet<>();
    int removed = 0;
    for (Map.Entry<String, HazelcastRegistrationInfo> e : subs.entrySet()) {
      String node = e.getValue().unwrap().nodeId();
      if (members.contains(node)) {
        continue;
      }
      absent.add(node);
      if (absentBefore.contains(node) && subs.remove(e.getKey(), e.getValue())) {
        removed++;
      }
    }
    absentBefore = absent;
    if (removed > 0) {
      LOG.warning("removed " + removed + " event-bus registration(s) of node(s) no longer in the cluster "
          + absent + " (a failed clean-up after a member left)");
    }
    restoreOwnEntry();
    return removed;
  }

  /** Puts this node's event-bus address back into the cluster's node map when it is missing; whether it was missing. */
  boolean restoreOwnEntry() {
    String self = manager.getNodeId();
    if (manager.getHazelcastInstance().getMap(NODE_INFO).get(self) == null && manager.getNodeInfo() != null) {
      manager.setNodeInfo(manager.getNodeInfo(), (ok, err) -> { });
      LOG.warning("this node's event-bus address was missing from the cluster's node map: put back");
      return true;
    }
    return false;
  }

  /** The members' node ids, for tests. */
  List<String> members() {
    return manager.getNodes();
  }
}
