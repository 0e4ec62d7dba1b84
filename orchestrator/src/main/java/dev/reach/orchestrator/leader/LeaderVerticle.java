package dev.reach.orchestrator.leader;

import dev.reach.orchestrator.admin.RunnerAdmission;
import dev.reach.orchestrator.store.LeaderStore;
import dev.reach.orchestrator.store.LeaseStore;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.cluster.ClusterMerges;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import dev.reach.shared.error.BusErrors;
import java.util.function.LongSupplier;

/**
 * Leader-only duties on a timer, on one context: every reaper interval take or keep leadership
 * (see {@link Leadership}) and, while leading, run one pass of {@link LeaderDuties}. While it holds
 * the leader lock it also answers outage heartbeats ({@link OutageHeartbeats}).
 */
public final class LeaderVerticle extends VerticleBase implements Leadership.Listener {
  /**
   * What the leader needs; {@code monoMs} is a monotonic clock in milliseconds; {@code outageTryMs}
   * bounds the real renewal an outage heartbeat tries first ({@link dev.reach.shared.bus.LeaseTimings#outageRenewalTryMs()}).
   */
  public record Settings(String nodeId, long intervalMs, long graceMs, ExpiryGuard guard, LongSupplier monoMs, long outageTryMs) {}

  private final LeaseStore leases;
  private final LeaderStore store;
  private final OutageState outage;
  private final Settings settings;
  private final LeaderAlerts alerts;
  private Leadership leadership;
  private LeaderDuties duties;
  private OutageHeartbeats outageHeartbeats;
  private MessageConsumer<Object> outageConsumer;
  private RunnerAdmission admission = RunnerAdmission.open();
  private final Runnable rejoin = this::rejoined;
  private long timer = -1;
  private boolean stopped;

  public LeaderVerticle(LeaseStore leases, LeaderStore store, OutageState outage, Settings settings) {
    this(leases, store, outage, settings, LeaderAlerts.none());
  }

  public LeaderVerticle(LeaseStore leases, LeaderStore store, OutageState outage, Settings settings, LeaderAlerts alerts) {
    this.alerts = alerts;
    this.leases = leases;
    this.store = store;
    this.outage = outage;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    leadership = new Leadership(new LeaderLock(vertx, Math.max(100, settings.intervalMs())), store, settings.nodeId(),
        settings.graceMs(), this);
    Announcer announcer = Announcer.eventBus(vertx);
    duties = new LeaderDuties(leases, store, outage, settings.guard(), settings.graceMs(), settings.monoMs(), announcer,
        leadership::deposed, alerts);
    // half of the runner's heartbeat timeout, an eighth of what a renewal leaves the watchers
    outageHeartbeats = new OutageHeartbeats(leases, outage, announcer, settings.outageTryMs());
    ClusterMerges.of(vertx).onMerged(context, rejoin);
    schedule(0);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    leadership.stepDown();
    ClusterMerges.of(vertx).remove(rejoin);
    return unregisterOutageConsumer();
  }

  /** After a healed cluster split: the outage consumer (if this node holds the lock) is registered again. */
  private void rejoined() {
    if (outageConsumer != null) {
      unregisterOutageConsumer().onComplete(ar -> {
        if (leadership.lockHeld() && !stopped) {
          lockTaken();
        }
      });
    }
  }

  /** Outage heartbeats are served only to runners {@code admission} admits (default: everyone). */
  public LeaderVerticle admitting(RunnerAdmission admission) {
    this.admission = admission;
    return this;
  }

  public boolean leading() {
    return leadership != null && leadership.epoch() != null;
  }

  public Long epoch() {
    return leadership == null ? null : leadership.epoch();
  }

  @Override
  public void lockTaken() {
    if (outageConsumer == null) {
      outageConsumer = vertx.eventBus().consumer(Addresses.OUTAGE_HEARTBEAT, msg -> {
        JsonObject body = msg.body() instanceof JsonObject j ? j : null;
        admission.admit(Addresses.OUTAGE_HEARTBEAT, msg.headers(), body)
            .onSuccess(v -> outageHeartbeats.handle(msg))
            .onFailure(t -> BusErrors.fail(msg, t));
      });
    }
  }

  @Override
  public void elected(LeaderStore.Takeover takeover) {
    duties.elected();
    alerts.elected();
  }

  @Override
  public void lost(String why) {
    unregisterOutageConsumer();
    alerts.lost(!stopped, why);
  }

  private Future<Void> unregisterOutageConsumer() {
    MessageConsumer<Object> c = outageConsumer;
    outageConsumer = null;
    return c == null ? Future.succeededFuture() : c.unregister();
  }

  private void schedule(long delayMs) {
    if (!stopped) {
      timer = vertx.setTimer(Math.max(1, delayMs), t -> tick());
    }
  }

  private void tick() {
    leadership.ensure()
        .compose(epoch -> epoch == null ? Future.succeededFuture(0) : duties.pass(epoch))
        .onComplete(ar -> {
          alerts.observe(leadership.epoch() != null, leadership.lockHeld(), settings.monoMs().getAsLong());
          if (ar.failed()) {
            duties.failed(ar.cause());
            schedule(settings.intervalMs());
          } else {
            // a full batch means more may be due: go again at once
            schedule(ar.result() >= LeaderDuties.BATCH ? 1 : settings.intervalMs());
          }
        });
  }
}
