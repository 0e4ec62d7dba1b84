package dev.reach.orchestrator.leader;

import dev.reach.orchestrator.store.SignalStore;
import dev.reach.shared.alert.AlertKeys;
import dev.reach.shared.alert.AlertLevel;
import dev.reach.shared.alert.Alerts;
import dev.reach.shared.metrics.ReachMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Samples the runbook signals every {@code REACH_METRICS_SAMPLE_MS}, on the leader only (one
 * cheap statement per interval for the whole cluster): queue depth and the age of the oldest
 * queued job, runners alive (heartbeat within {@code REACH_RUNNER_ALIVE_WINDOW_MS}) with their
 * slots, and the slots busy. They are gauges on {@code /metrics}; on a node that does not lead, or
 * whose last sample failed, they read NaN. Work queued with no runner alive is the
 * {@code runner_fleet_empty} alert.
 */
public final class SignalSampler extends VerticleBase {
  /** How often, and how recent a runner's heartbeat must be for it to count as available. */
  public record Settings(long intervalMs, long aliveWindowMs) {}

  private final SignalStore store;
  private final BooleanSupplier leading;
  private final Alerts alerts;
  private final ReachMetrics metrics;
  private final Settings settings;
  private volatile SignalStore.Sample last;
  private boolean sampling;
  private long timer = -1;

  public SignalSampler(SignalStore store, BooleanSupplier leading, Alerts alerts, ReachMetrics metrics, Settings settings) {
    this.store = store;
    this.leading = leading;
    this.alerts = alerts;
    this.metrics = metrics;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    gauge("reach.queue.depth", "Jobs queued (sampled by the leader)", null, s -> s.queued());
    gauge("reach.queue.oldest.age", "Age of the oldest queued job, 0 when none (sampled by the leader)", "seconds",
        s -> Math.max(0, s.oldestQueuedAgeMs()) / 1000.0);
    gauge("reach.runners.available", "Runners that heartbeated within REACH_RUNNER_ALIVE_WINDOW_MS", null,
        s -> s.runnersAlive());
    gauge("reach.runner.slots.capacity", "Slots of the available runners", null, s -> s.slots());
    gauge("reach.runner.slots.busy", "Slots in use: leases held (LEASED or RUNNING)", null, s -> s.busy());
    metrics.gauge("reach.orchestrator.leader", "1 while this orchestrator leads, else 0", null,
        () -> leading.getAsBoolean() ? 1 : 0);
    timer = vertx.setPeriodic(settings.intervalMs(), t -> sample());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    last = null;
    return Future.succeededFuture();
  }

  private void gauge(String name, String description, String unit, ToDoubleFunction<SignalStore.Sample> f) {
    metrics.gauge(name, description, unit, () -> {
      SignalStore.Sample s = last;
      return s == null ? Double.NaN : f.applyAsDouble(s);
    });
  }

  /** The latest sample, or null (not leading, or the last sample failed). */
  public SignalStore.Sample last() {
    return last;
  }

  private void sample() {
    if (!leading.getAsBoolean()) {
      last = null;
      return;
    }
    if (sampling) {
      return;
    }
    sampling = true;
    store.sample(settings.aliveWindowMs()).onComplete(ar -> {
      sampling = false;
      if (ar.failed()) {
        last = null; // unknown while the database does not answer (its own alert covers that)
        return;
      }
      SignalStore.Sample s = ar.result();
      last = s;
      if (s.queued() > 0 && s.runnersAlive() == 0) {
        alerts.failure(AlertKeys.RUNNER_FLEET_EMPTY, AlertLevel.CRITICAL, s.queued() + " job(s) queued (oldest "
            + s.oldestQueuedAgeMs() / 1000 + " s) and no runner heartbeated in the last " + settings.aliveWindowMs() + " ms");
      } else {
        alerts.success(AlertKeys.RUNNER_FLEET_EMPTY);
      }
    });
  }
}
