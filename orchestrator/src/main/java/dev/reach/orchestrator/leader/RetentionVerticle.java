package dev.reach.orchestrator.leader;

import dev.reach.orchestrator.store.RetentionStore;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Retention, a leader-only duty: every {@code REACH_RETENTION_INTERVAL_MS}, while this node leads,
 * the runs whose jobs all ended more than {@code REACH_RETENTION_MS} ago have their logs and
 * artifacts purged by the artifact store (one request per run, each carrying this node's epoch, so
 * a deposed leader's late request changes nothing), then the store collects orphans. Runs, jobs,
 * attempts and events stay. A full batch goes again at once; a failure waits for the next interval.
 */
public final class RetentionVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(RetentionVerticle.class.getName());
  /** Runs purged per query; a full batch means more may be due. */
  public static final int BATCH = 100;

  /** {@code epoch} answers this node's leadership epoch, null while it does not lead. */
  public record Settings(long retentionMs, long intervalMs, long requestTimeoutMs, Supplier<Long> epoch) {}

  private final RetentionStore store;
  private final Settings settings;
  private final RetentionStats stats = new RetentionStats();
  private long timer = -1;
  private boolean stopped;

  public RetentionVerticle(RetentionStore store, Settings settings) {
    this.store = store;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    schedule(settings.intervalMs());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** Figures for the orchestrator's status: passes, runs purged, bytes freed, the last failure. */
  public JsonObject describe() {
    return stats.describe(settings.retentionMs(), settings.intervalMs());
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
    pass(epoch).onComplete(ar -> {
      if (ar.failed()) {
        ReachException e = BusErrors.classify(ar.cause());
        stats.failed(e);
        LOG.warning("retention pass (epoch " + epoch + "): " + e.code() + " " + e.getMessage());
        schedule(settings.intervalMs());
      } else {
        schedule(ar.result() >= BATCH ? 1 : settings.intervalMs());
      }
    });
  }

  /** One pass: purge what is due (up to a batch), then sweep orphans. Resolves to the number of runs looked at. */
  Future<Integer> pass(long epoch) {
    return store.purgeableRuns(settings.retentionMs(), BATCH).compose(runs -> purge(epoch, runs, 0)
        .compose(v -> request(Addresses.ARTIFACT_SWEEP, new JsonObject().put("epoch", epoch)))
        .map(swept -> {
          stats.swept(swept);
          stats.passed();
          return runs.size();
        }));
  }

  private Future<Void> purge(long epoch, List<UUID> runs, int index) {
    if (index >= runs.size()) {
      return Future.succeededFuture();
    }
    UUID runId = runs.get(index);
    JsonObject req = new JsonObject()
        .put("run_id", runId.toString())
        .put("epoch", epoch)
        .put("retention_ms", settings.retentionMs());
    return request(Addresses.ARTIFACT_PURGE_RUN, req).compose(reply -> {
      if (reply.getBoolean("purged", false)) {
        stats.purged(reply);
        LOG.info("retention: purged run " + runId + ": " + reply.getLong("logs", 0L) + " log(s), "
            + reply.getLong("artifacts", 0L) + " artifact(s), " + reply.getLong("secrets", 0L) + " sealed secret(s), "
            + (reply.getLong("log_bytes", 0L) + reply.getLong("artifact_bytes", 0L)) + " bytes (event "
            + reply.getLong("event_seq") + ")");
      }
      return purge(epoch, runs, index + 1);
    });
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return vertx.eventBus()
        .<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(settings.requestTimeoutMs()))
        .map(msg -> msg.body())
        .recover(t -> Future.failedFuture(t instanceof ReplyException rx
            ? BusErrors.fromReply(rx, ErrorCode.ARTIFACT_STORE_UNAVAILABLE)
            : BusErrors.classify(t)));
  }
}
