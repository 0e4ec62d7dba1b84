package dev.reach.orchestrator.leader;

import dev.reach.orchestrator.store.EventChainStore;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Sealing the event chain, a leader-only duty: every {@code REACH_SEAL_INTERVAL_MS}, while this node
 * leads, one {@link EventSealer} pass of up to {@code REACH_SEAL_BATCH} events under this node's
 * epoch. A full batch goes again at once; a failure waits for the next interval.
 */
public final class SealerVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(SealerVerticle.class.getName());

  /** {@code epoch} answers this node's leadership epoch, null while it does not lead. */
  public record Settings(long intervalMs, int batch, Supplier<Long> epoch) {}

  private final EventChainStore store;
  private final Settings settings;
  private EventSealer sealer;
  private long timer = -1;
  private boolean stopped;
  private volatile long sealed;
  private volatile String lastFailure;

  public SealerVerticle(EventChainStore store, Settings settings) {
    this.store = store;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    sealer = new EventSealer(vertx, store, settings.batch());
    schedule(settings.intervalMs());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** For the orchestrator's status: events sealed by this node, the horizon, the last failure. */
  public JsonObject describe() {
    return new JsonObject().put("enabled", true).put("interval_ms", settings.intervalMs())
        .put("batch", settings.batch()).put("sealed_by_this_node", sealed)
        .put("final_through_seq", sealer == null ? null : sealer.horizon()).put("last_failure", lastFailure);
  }

  private void schedule(long delayMs) {
    if (!stopped) {
      timer = vertx.setTimer(Math.max(1, delayMs), t -> tick());
    }
  }

  private void tick() {
    Long epoch = settings.epoch().get();
    if (epoch == null) {
      schedule(settings.intervalMs());
      return;
    }
    sealer.pass(epoch).onComplete(ar -> {
      if (ar.failed()) {
        ReachException e = BusErrors.classify(ar.cause());
        lastFailure = e.code() + " " + e.getMessage();
        LOG.warning("event sealer (epoch " + epoch + "): " + lastFailure);
        schedule(settings.intervalMs());
      } else {
        int n = ar.result();
        if (n > 0) {
          sealed += n;
        }
        schedule(n >= settings.batch() ? 1 : settings.intervalMs());
      }
    });
  }
}
