package dev.reach.shared.heal;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The self-healing watchdog of one JVM: every {@code intervalMs} it probes each supervised
 * component; one found {@code FAILED} or {@code STUCK} on two probes in a row is restarted when its
 * {@link HealPolicy} allows (at most {@code maxHeals} per window, a cooldown between heals), and
 * left alone — recorded once, with a {@code heal_blocked} notice to listeners — when the policy is
 * {@code blocked}. A component failing only because a dependency is down is not healed. An operator
 * may restart a component by hand ({@link #manualRestart}); while its policy is blocked only with an
 * explicit acknowledgement. Every attempt lands in the bounded {@link RestartHistory} and goes to the
 * listeners (events, alerts, metrics).
 */
public final class Watchdog {
  private static final Logger LOG = Logger.getLogger(Watchdog.class.getName());

  /** The watchdog's settings (from {@code REACH_WATCHDOG_*}, {@code REACH_HEAL_*}, {@code REACH_CHURN_*}). */
  public record Settings(long intervalMs, long stuckMs, int maxHeals, Duration window, Duration cooldown,
      int churnThreshold, Duration churnWindow) {}

  private final class Watched {
    final Supervised component;
    final HealPolicy policy;
    volatile Probe last = Probe.HEALTHY;
    volatile int unhealthyInARow;
    volatile String lastRefusal;
    volatile boolean healing;

    Watched(Supervised component) {
      this.component = component;
      this.policy = new HealPolicy(clock, settings.maxHeals(), settings.window(), settings.cooldown());
    }
  }

  private final Clock clock;
  private final Settings settings;
  private final RestartHistory history;
  private final Map<String, Watched> watched = new ConcurrentHashMap<>();
  private final List<Consumer<RestartRecord>> listeners = new CopyOnWriteArrayList<>();
  private volatile ScheduledFuture<?> timer;
  private long chains;
  private volatile boolean stopped;

  public Watchdog(Clock clock, Settings settings) {
    this.clock = clock;
    this.settings = settings;
    this.history = new RestartHistory(clock, 100, settings.churnWindow(), settings.churnThreshold());
  }

  public Settings settings() {
    return settings;
  }

  /** Puts a component under watch (replacing one of the same name); starts the timer on the first. */
  public synchronized void supervise(Supervised component) {
    watched.put(component.name(), new Watched(component));
    if (timer == null && !stopped) {
      schedule();
    }
  }

  /** Stops watching {@code name}; with nothing left to watch the timer stops until the next {@link #supervise}. */
  public synchronized void unsupervise(String name) {
    watched.remove(name);
    if (watched.isEmpty() && timer != null) {
      timer.cancel(false);
      timer = null;
      chains++;
    }
  }

  /** Told about every restart attempt, after it is recorded. */
  public void onRecord(Consumer<RestartRecord> listener) {
    listeners.add(listener);
  }

  public RestartHistory history() {
    return history;
  }

  public synchronized void stop() {
    stopped = true;
    chains++;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** One chain of ticks at a time: a chain whose timer was cancelled (or replaced) ends after its tick. */
  private void schedule() {
    long chain = ++chains;
    timer = WatchdogThread.schedule(() -> tick().onComplete(ar -> {
      synchronized (this) {
        if (chain != chains) {
          return;
        }
        if (!stopped && !watched.isEmpty()) {
          schedule();
        } else {
          timer = null;
        }
      }
    }), settings.intervalMs(), TimeUnit.MILLISECONDS);
  }

  /** One round of probes (tests call it directly); resolves when every probe and heal it started is done. */
  public Future<Void> tick() {
    List<Future<Void>> rounds = watched.values().stream().map(this::check).toList();
    return Future.join(rounds).mapEmpty();
  }

  private Future<Void> check(Watched w) {
    if (w.healing) {
      return Future.succeededFuture();
    }
    return w.component.probe().recover(t -> Future.succeededFuture(Probe.failed("probe failed: " + t)))
        .compose(p -> {
          w.last = p;
          if (!p.needsHealing()) {
            w.unhealthyInARow = 0;
            w.lastRefusal = null;
            return Future.succeededFuture();
          }
          w.unhealthyInARow++;
          if (w.unhealthyInARow < 2) {
            return Future.succeededFuture();
          }
          PolicyState policy = w.policy.state();
          if (policy.kind() != PolicyState.Kind.ALLOWED) {
            // recorded once per refusal kind, not on every probe
            if (!policy.kind().wire().equals(w.lastRefusal)) {
              w.lastRefusal = policy.kind().wire();
              record(w, "watchdog", "watchdog", p.reason(), false, "refused_" + policy.kind().wire(), policy.reason(),
                  policy);
            }
            return Future.succeededFuture();
          }
          return heal(w, "watchdog", "watchdog", p.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + p.reason(),
              false).mapEmpty();
        });
  }

  private Future<RestartRecord> heal(Watched w, String trigger, String by, String reason, boolean override) {
    w.healing = true;
    w.policy.healed();
    LOG.warning("watchdog: restarting " + w.component.name() + " (" + trigger + " by " + by + "): " + reason);
    return w.component.restart(reason).transform(ar -> {
      w.healing = false;
      w.unhealthyInARow = 0;
      w.lastRefusal = null;
      PolicyState after = w.policy.state();
      RestartRecord r = record(w, trigger, by, reason, override, ar.succeeded() ? "restarted" : "restart_failed",
          ar.succeeded() ? "new instance serving" : String.valueOf(ar.cause()), after);
      return Future.succeededFuture(r);
    });
  }

  private RestartRecord record(Watched w, String trigger, String by, String reason, boolean override, String outcome,
      String detail, PolicyState after) {
    RestartRecord r = new RestartRecord(clock.instant(), w.component.name(), trigger, by, reason, override, outcome,
        detail, after.kind().wire());
    history.add(r);
    LOG.info("watchdog: " + w.component.name() + " " + outcome + " (" + trigger + " by " + by + ", reason: " + reason
        + "; policy now " + after.kind().wire() + ")");
    for (Consumer<RestartRecord> l : listeners) {
      try {
        l.accept(r);
      } catch (RuntimeException e) {
        LOG.warning("watchdog listener failed: " + e);
      }
    }
    return r;
  }

  /**
   * An operator's restart of {@code name}. Refused with {@code HEAL_BLOCKED} while the policy is
   * blocked unless {@code acknowledged}; the record keeps who asked, why, and whether it overrode.
   */
  public Future<RestartRecord> manualRestart(String name, String by, String reason, boolean acknowledged) {
    Watched w = watched.get(name);
    if (w == null) {
      return Future.failedFuture(new ReachException(ErrorCode.NOT_FOUND, "no supervised component named '" + name
          + "'", "component"));
    }
    if (w.healing) {
      return Future.failedFuture(new ReachException(ErrorCode.RESTART_IN_PROGRESS, name + " is being restarted"));
    }
    PolicyState policy = w.policy.state();
    boolean blocked = policy.kind() == PolicyState.Kind.BLOCKED;
    if (blocked && !acknowledged) {
      record(w, "manual", by, reason, false, "refused_blocked", "automatic recovery is blocked ("
          + policy.reason() + "); send \"acknowledge_blocked\": true to override", policy);
      return Future.failedFuture(new ReachException(ErrorCode.HEAL_BLOCKED, "automatic recovery of " + name
          + " is blocked by the churn policy (" + policy.reason() + "); a manual restart needs"
          + " \"acknowledge_blocked\": true", "acknowledge_blocked"));
    }
    return heal(w, "manual", by, reason, blocked);
  }

  /** Per component: the last probe, the policy (state, remaining seconds), and the churn summary. */
  public JsonObject describe() {
    JsonArray components = new JsonArray();
    watched.values().stream().sorted((a, b) -> a.component.name().compareTo(b.component.name())).forEach(w -> {
      components.add(new JsonObject()
          .put("name", w.component.name())
          .put("probe", w.last.kind().name().toLowerCase(java.util.Locale.ROOT))
          .put("probe_reason", w.last.reason())
          .put("healing", w.healing)
          .put("policy", w.policy.state().toJson()));
    });
    return new JsonObject()
        .put("components", components)
        .put("thresholds", new JsonObject()
            .put("check_interval_ms", settings.intervalMs())
            .put("stuck_ms", settings.stuckMs())
            .put("max_heals_per_window", settings.maxHeals())
            .put("heal_window_seconds", settings.window().toSeconds())
            .put("heal_cooldown_seconds", settings.cooldown().toSeconds()))
        .put("churn", history.summary());
  }

  /** The most restrictive policy among the components: blocked over cooling_down over allowed. */
  public PolicyState worstPolicy() {
    PolicyState worst = new PolicyState(PolicyState.Kind.ALLOWED, Duration.ZERO, 0, settings.maxHeals(),
        "within limits");
    for (Watched w : watched.values()) {
      PolicyState s = w.policy.state();
      if (s.kind().ordinal() > worst.kind().ordinal()) {
        worst = s;
      }
    }
    return worst;
  }

  /** The components whose last probe found them needing a heal or waiting on a dependency. */
  public List<JsonObject> unhealthy() {
    return watched.values().stream().filter(w -> w.last.kind() != Probe.Kind.HEALTHY)
        .map(w -> new JsonObject().put("name", w.component.name())
            .put("probe", w.last.kind().name().toLowerCase(java.util.Locale.ROOT)).put("reason", w.last.reason()))
        .toList();
  }
}
