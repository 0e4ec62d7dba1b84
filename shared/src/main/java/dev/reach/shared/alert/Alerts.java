package dev.reach.shared.alert;

import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.metrics.ReachMetrics;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The alert engine of one service. Callers report what they see:
 * {@code failure(key, level, message)} for one more failure of a condition that is checked again
 * and again (the breaker reopened, the disk is still low), {@code event(key, level, message)} for
 * a one-off occurrence that is itself the failure (a mass lease expiry), {@code success(key)} when
 * the condition is healthy again. An alert is sent to every channel once its level's threshold of
 * consecutive failures is reached, then at most once per cooldown; a success resets the count and,
 * if the alert had been sent, logs a "resolved" line. The state survives restarts
 * ({@link AlertStore}). Thread-safe; never blocks (file writes and sends are asynchronous).
 */
public final class Alerts {
  private final String service;
  private final String node;
  private final Clock clock;
  private final Map<AlertLevel, AlertPolicy> policies;
  private final AlertStore store;
  private final List<AlertChannel> channels;
  private final Consumer<Alert> sentHook;
  private final Map<String, AlertState> states = new TreeMap<>(); // guarded by this

  Alerts(String service, String node, Clock clock, Map<AlertLevel, AlertPolicy> policies, AlertStore store,
      List<AlertChannel> channels, Map<String, AlertState> initial, Consumer<Alert> sentHook) {
    this.service = service;
    this.node = node;
    this.clock = clock;
    this.policies = new EnumMap<>(policies);
    this.store = store;
    this.channels = List.copyOf(channels);
    this.sentHook = sentHook;
    this.states.putAll(initial);
  }

  /**
   * The alerts of {@code service} on this node, configured from {@code REACH_ALERT_*}: the log
   * channel always, the webhook when {@code REACH_ALERT_WEBHOOK_URL} is set, state in
   * {@code REACH_STATE_DIR/alerts-<service>.json} (loaded before this resolves).
   */
  public static Future<Alerts> open(ReachNode reachNode, String service, String nodeName) {
    ReachConfig cfg = reachNode.config();
    Vertx vertx = reachNode.vertx();
    List<AlertChannel> channels = new ArrayList<>();
    channels.add(new LogChannel());
    if (cfg.alertWebhookUrl() != null) {
      channels.add(new WebhookChannel(vertx, new WebhookChannel.Settings(cfg.alertWebhookUrl(),
          cfg.alertWebhookTimeoutMs(), cfg.alertWebhookTries(), cfg.alertWebhookBackoffMs())));
    }
    AlertStore store = new AlertStore(vertx, AlertStore.fileFor(cfg.stateDir(), service));
    return open(vertx, service, nodeName, reachNode.clock(), AlertPolicy.from(cfg), store, channels);
  }

  /** Alerts with the given parts; {@code store} state is loaded before this resolves. */
  public static Future<Alerts> open(Vertx vertx, String service, String nodeName, Clock clock,
      Map<AlertLevel, AlertPolicy> policies, AlertStore store, List<AlertChannel> channels) {
    ReachMetrics metrics = ReachMetrics.of(vertx);
    return store.load().map(initial -> new Alerts(service, nodeName, clock, policies, store, channels, initial,
        a -> metrics.alertSent(a.alert(), a.level())));
  }

  /** Alerts that remember nothing on disk and send nowhere (for parts used without a service around them). */
  public static Alerts none() {
    return new Alerts("none", "none", Clock.systemUTC(), AlertPolicy.defaults(), null, List.of(), Map.of(), a -> {});
  }

  /** One more consecutive failure of {@code key}; sent once the level's threshold is reached, then once per cooldown. */
  public void failure(String key, AlertLevel level, String message) {
    record(key, level, message, 0);
  }

  /** A one-off occurrence that is itself worth the alert: sent at once unless the cooldown holds it back. */
  public void event(String key, AlertLevel level, String message) {
    record(key, level, message, policy(level).threshold());
  }

  private void record(String key, AlertLevel level, String message, int atLeast) {
    Instant now = clock.instant();
    Alert toSend = null;
    JsonObject snapshot;
    synchronized (this) {
      AlertState s = states.getOrDefault(key, AlertState.fresh(key, level)).failed(level, now, message, atLeast);
      AlertPolicy p = policy(level);
      boolean cooled = s.lastSentAt() == null || !now.isBefore(s.lastSentAt().plus(p.cooldown()));
      if (s.consecutiveFailures() >= p.threshold() && cooled) {
        s = s.sent(now);
        toSend = new Alert(key, level, service, node, message, s.consecutiveFailures(), s.firstFailureAt(), now);
      }
      states.put(key, s);
      snapshot = snapshot();
    }
    save(snapshot);
    if (toSend != null) {
      dispatch(toSend);
    }
  }

  /** {@code key} is healthy: its consecutive count goes back to 0 (no write when it already was). */
  public void success(String key) {
    JsonObject snapshot;
    AlertState before;
    synchronized (this) {
      before = states.get(key);
      if (before == null || before.consecutiveFailures() == 0) {
        return;
      }
      states.put(key, before.reset());
      snapshot = snapshot();
    }
    save(snapshot);
    if (before.sentThisEpisode()) {
      LogChannel.resolved(key, service, node, before.consecutiveFailures());
    }
  }

  private void dispatch(Alert alert) {
    sentHook.accept(alert);
    for (AlertChannel c : channels) {
      c.send(alert); // a channel logs its own give-up
    }
  }

  private void save(JsonObject snapshot) {
    if (store != null) {
      store.save(snapshot);
    }
  }

  private AlertPolicy policy(AlertLevel level) {
    return policies.getOrDefault(level, AlertPolicy.defaults().get(level));
  }

  private JsonObject snapshot() {
    JsonObject alerts = new JsonObject();
    states.forEach((k, s) -> alerts.put(k, s.toJson()));
    return new JsonObject().put("service", service).put("node", node).put("alerts", alerts);
  }

  /** The state of one key, or null when it never failed. */
  public synchronized AlertState state(String key) {
    return states.get(key);
  }

  /** Completes once the state saved so far is on disk. */
  public Future<Void> flushed() {
    return store == null ? Future.succeededFuture() : store.flushed();
  }

  /**
   * For health and admin output: {@code {"service", "node", "state_file", "channels": [...],
   * "policies": {LEVEL: {"threshold", "cooldown_ms"}}, "alerts": {key: {"level",
   * "consecutive_failures", "first_failure_at", "last_sent_at", "sent_count", "last_message"}},
   * "webhook"?: {"delivered", "tries", "given_up", ...}}}.
   */
  public JsonObject describe() {
    JsonObject pol = new JsonObject();
    policies.forEach((l, p) -> pol.put(l.name(), new JsonObject().put("threshold", p.threshold())
        .put("cooldown_ms", p.cooldown().toMillis())));
    JsonArray names = new JsonArray();
    JsonObject out = new JsonObject().put("service", service).put("node", node)
        .put("state_file", store == null ? null : store.file().toString());
    for (AlertChannel c : channels) {
      names.add(c.name());
      if (c instanceof WebhookChannel w) {
        out.put("webhook", w.describe());
      }
    }
    synchronized (this) {
      out.put("channels", names).put("policies", pol).put("alerts", snapshot().getJsonObject("alerts"));
    }
    return out;
  }

  /** Releases the channels' clients. */
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (AlertChannel c : channels) {
      if (c instanceof WebhookChannel w) {
        closing.add(w.close());
      }
    }
    return Future.join(closing).<Void>mapEmpty().eventually(this::flushed);
  }
}
