package dev.reach.shared.health;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The lifecycle of one service ({@link LifecycleState}). Every change is logged; {@code DRAINING},
 * {@code STOPPED} and {@code CRASHING} are final for the health checks (a draining service never
 * becomes ready again). Thread-safe.
 */
public final class Lifecycle {
  private static final Logger LOG = Logger.getLogger(Lifecycle.class.getName());

  private final String service;
  private final Clock clock;
  private final CopyOnWriteArrayList<Consumer<LifecycleState>> listeners = new CopyOnWriteArrayList<>();
  private LifecycleState state = LifecycleState.STARTING;
  private String reason = "starting";
  private long sinceMs;
  private String instance;

  public Lifecycle(String service, Clock clock) {
    this.service = service;
    this.clock = clock;
    this.sinceMs = clock.millis();
    LOG.info(service + " lifecycle " + state);
  }

  public String service() {
    return service;
  }

  public synchronized LifecycleState state() {
    return state;
  }

  public boolean isDraining() {
    LifecycleState s = state();
    return s == LifecycleState.DRAINING || s == LifecycleState.STOPPED || s == LifecycleState.CRASHING;
  }

  /** Moves to {@code next}; a service that began to stop cannot become healthy again. */
  public void moveTo(LifecycleState next, String why) {
    synchronized (this) {
      if (state == next) {
        return;
      }
      boolean stopping = state == LifecycleState.DRAINING || state == LifecycleState.STOPPED || state == LifecycleState.CRASHING;
      if (stopping && (next == LifecycleState.HEALTHY || next == LifecycleState.UNHEALTHY || next == LifecycleState.STARTING)) {
        return;
      }
      if (state == LifecycleState.STOPPED) {
        return;
      }
      LifecycleState prev = state;
      state = next;
      reason = why;
      sinceMs = clock.millis();
      Level level = next == LifecycleState.CRASHING || next == LifecycleState.UNHEALTHY ? Level.WARNING : Level.INFO;
      LOG.log(level, service + " lifecycle " + prev + " -> " + next + ": " + why);
    }
    listeners.forEach(l -> l.accept(next));
  }

  public void onChange(Consumer<LifecycleState> listener) {
    listeners.add(listener);
  }

  /**
   * Names the instance of the service this lifecycle is (a runner's id, an orchestrator's node id), so
   * that whoever reads the node directory can tell which process serves it (a drill's local fault injector).
   */
  public synchronized void identify(String instanceId) {
    this.instance = instanceId;
  }

  public synchronized JsonObject describe() {
    JsonObject d = new JsonObject().put("state", state.name()).put("reason", reason).put("since_ms", sinceMs);
    if (instance != null) {
      d.put("instance", instance);
    }
    return d;
  }
}
