package dev.reach.shared.cluster;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * Tells this JVM's services that a cluster split has healed (Hazelcast reported MERGED). A member
 * that was cut off and merged back has lost its event-bus registrations in the others' view (a
 * known Vert.x/Hazelcast behaviour), so every service registers its consumers again and
 * re-announces itself when this fires. A Vert.x that is not clustered never fires.
 */
public final class ClusterMerges {
  private static final Logger LOG = Logger.getLogger(ClusterMerges.class.getName());
  private static final Map<Vertx, ClusterMerges> BY_VERTX = Collections.synchronizedMap(new WeakHashMap<>());

  private record Listener(Context context, Runnable action) {}

  private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

  ClusterMerges() {}

  /** The merge notifications of this Vert.x instance. */
  public static ClusterMerges of(Vertx vertx) {
    return BY_VERTX.computeIfAbsent(vertx, v -> new ClusterMerges());
  }

  static void attach(Vertx vertx, ClusterMerges merges) {
    BY_VERTX.put(vertx, merges);
  }

  /** Runs {@code action} on {@code context} after every healed split. */
  public void onMerged(Context context, Runnable action) {
    listeners.add(new Listener(context, action));
  }

  public void remove(Runnable action) {
    listeners.removeIf(l -> l.action() == action);
  }

  void merged() {
    LOG.warning("cluster split healed (this member merged back): registering event-bus consumers again for "
        + listeners.size() + " service part(s)");
    for (Listener l : listeners) {
      l.context().runOnContext(v -> l.action().run());
    }
  }
}
