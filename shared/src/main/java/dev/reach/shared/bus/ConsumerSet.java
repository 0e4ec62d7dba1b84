package dev.reach.shared.bus;

import dev.reach.shared.cluster.ClusterMerges;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The event-bus consumers of one verticle, kept so they can be registered again: after a healed
 * cluster split the other members no longer route to this member's old registrations, so
 * {@link #reregisterOnMerge} drops and re-creates them (see {@link ClusterMerges}).
 */
public final class ConsumerSet {
  private static final Logger LOG = Logger.getLogger(ConsumerSet.class.getName());

  private record Entry(String address, Handler<Message<Object>> handler) {}

  private final Vertx vertx;
  private final List<Entry> entries = new ArrayList<>();
  private final List<MessageConsumer<Object>> live = new ArrayList<>();
  private Runnable mergeHook;

  public ConsumerSet(Vertx vertx) {
    this.vertx = vertx;
  }

  public ConsumerSet add(String address, Handler<Message<Object>> handler) {
    entries.add(new Entry(address, handler));
    live.add(vertx.eventBus().consumer(address, handler));
    return this;
  }

  /** Completes when every registration reached the cluster. */
  public Future<Void> ready() {
    List<Future<Void>> all = new ArrayList<>();
    live.forEach(c -> all.add(c.completion()));
    return Future.all(all).mapEmpty();
  }

  /** Registers every consumer again, on this verticle's context, after each healed split. */
  public ConsumerSet reregisterOnMerge(Context context) {
    mergeHook = () -> reregister().onComplete(ar -> LOG.info(entries.size() + " consumer(s) registered again after a healed split"
        + (ar.failed() ? " (failed: " + ar.cause() + ")" : "")));
    ClusterMerges.of(vertx).onMerged(context, mergeHook);
    return this;
  }

  public Future<Void> reregister() {
    List<MessageConsumer<Object>> old = new ArrayList<>(live);
    live.clear();
    List<Future<Void>> gone = new ArrayList<>();
    old.forEach(c -> gone.add(c.unregister()));
    return Future.join(gone).transform(ar -> {
      entries.forEach(e -> live.add(vertx.eventBus().consumer(e.address(), e.handler())));
      return ready();
    });
  }

  public Future<Void> unregister() {
    if (mergeHook != null) {
      ClusterMerges.of(vertx).remove(mergeHook);
    }
    List<Future<Void>> all = new ArrayList<>();
    live.forEach(c -> all.add(c.unregister()));
    live.clear();
    return Future.all(all).mapEmpty();
  }
}
