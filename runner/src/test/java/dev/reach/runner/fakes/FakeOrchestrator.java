package dev.reach.runner.fakes;

import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.bus.ClaimResponse;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.HeartbeatAck;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.bus.RunnerRestarted;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.spec.JobSpec;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plain event-bus consumers on a test's own (non-clustered) Vert.x standing in for the
 * orchestrator's addresses the runner talks to. It grants queued leases, renews every held token,
 * accepts completions, answers restart reports and outage heartbeats — each scriptable — and keeps
 * every message it got, in order.
 */
public final class FakeOrchestrator implements AutoCloseable {
  /** One message as received, with the moment it arrived ({@link System#nanoTime()}). */
  public record Received(String address, JsonObject body, long atNanos) {}

  public final List<Received> received = new CopyOnWriteArrayList<>();
  private final Queue<Lease> queued = new ConcurrentLinkedQueue<>();
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  public volatile long ttlMs;
  /** Heartbeats fail with this code while set. */
  public volatile ErrorCode heartbeatFailure;
  /** Outage heartbeats fail with this code while set; otherwise they grant an extension of every held token. */
  public volatile ErrorCode outageFailure = ErrorCode.NOT_LEADER;
  /** The next this-many completions fail with {@link #completionFailure}. */
  public final AtomicInteger completionFailuresLeft = new AtomicInteger();
  public volatile ErrorCode completionFailure = ErrorCode.DB_UNAVAILABLE;
  /** The next this-many restart reports fail with {@link ErrorCode#ORCHESTRATOR_UNAVAILABLE}. */
  public final AtomicInteger restartFailuresLeft = new AtomicInteger();
  public volatile int expiredOnRestart = 2;
  /** Called with each completion as it arrives (before it is answered), on the event loop. */
  public volatile java.util.function.Consumer<CompletionReport> completionObserver = c -> {};

  public FakeOrchestrator(Vertx vertx, long ttlMs) {
    this.ttlMs = ttlMs;
    on(vertx, Addresses.CLAIM, this::claim);
    on(vertx, Addresses.HEARTBEAT, this::heartbeat);
    on(vertx, Addresses.OUTAGE_HEARTBEAT, this::outageHeartbeat);
    on(vertx, Addresses.STARTED, m -> m.reply(new JsonObject()));
    on(vertx, Addresses.COMPLETE, this::complete);
    on(vertx, Addresses.RUNNER_RESTARTED, this::restarted);
    consumers.forEach(c -> c.completion().await());
  }

  private void on(Vertx vertx, String address, java.util.function.Consumer<Message<JsonObject>> handler) {
    consumers.add(vertx.eventBus().<JsonObject>consumer(address, m -> {
      received.add(new Received(address, m.body(), System.nanoTime()));
      try {
        handler.accept(m);
      } catch (RuntimeException e) {
        BusErrors.fail(m, e);
      }
    }));
  }

  /** A lease for {@code command} that the next claim grants (job {@code job-TOKEN}, attempt 1). */
  public Lease offer(long token, String command, int timeoutSeconds, List<String> artifacts) {
    Lease lease = new Lease("job-" + token, "run-1", "j" + token, 1, token,
        new JobSpec("j" + token, command, Map.of(), timeoutSeconds, 1, 3, List.of(), artifacts));
    queued.add(lease);
    return lease;
  }

  /** A lease for {@code spec} that the next claim grants (job {@code job-TOKEN}, attempt 1). */
  public Lease offer(long token, JobSpec spec) {
    Lease lease = new Lease("job-" + token, "run-1", spec.name(), 1, token, spec);
    queued.add(lease);
    return lease;
  }

  /** {@code lease} as it is (with its secrets, say) for the next claim. */
  public Lease offer(Lease lease) {
    queued.add(lease);
    return lease;
  }

  public Lease offer(long token, String command) {
    return offer(token, command, 600, List.of());
  }

  /** While set, claims are answered only when it completes (the leases are taken from the queue then). */
  public volatile java.util.concurrent.CompletableFuture<Void> claimGate;

  private void claim(Message<JsonObject> m) {
    java.util.concurrent.CompletableFuture<Void> gate = claimGate;
    if (gate != null) {
      io.vertx.core.Context ctx = Vertx.currentContext();
      gate.thenRun(() -> ctx.runOnContext(v -> answerClaim(m)));
      return;
    }
    answerClaim(m);
  }

  private void answerClaim(Message<JsonObject> m) {
    ClaimRequest req = ClaimRequest.fromJson(m.body());
    List<Lease> leases = new ArrayList<>();
    Lease l;
    while (leases.size() < req.slots() && (l = queued.poll()) != null) {
      leases.add(l);
    }
    m.reply(new ClaimResponse(leases, ttlMs).toJson());
  }

  private void heartbeat(Message<JsonObject> m) {
    Heartbeat hb = Heartbeat.fromJson(m.body());
    ErrorCode failure = heartbeatFailure;
    if (failure != null) {
      BusErrors.fail(m, new ReachException(failure, "scripted heartbeat failure"));
      return;
    }
    m.reply(new HeartbeatAck(hb.heldTokens(), ttlMs).toJson());
  }

  private void outageHeartbeat(Message<JsonObject> m) {
    Heartbeat hb = Heartbeat.fromJson(m.body());
    ErrorCode failure = outageFailure;
    if (failure != null) {
      BusErrors.fail(m, new ReachException(failure, "scripted outage-heartbeat failure"));
      return;
    }
    m.reply(new HeartbeatAck(hb.heldTokens(), ttlMs, true, 60_000).toJson());
  }

  private void complete(Message<JsonObject> m) {
    completionObserver.accept(CompletionReport.fromJson(m.body())); // malformed ones fail like the real handler's
    if (completionFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      BusErrors.fail(m, new ReachException(completionFailure, "scripted completion failure"));
      return;
    }
    m.reply(new JsonObject().put("outcome", "ACCEPTED"));
  }

  private void restarted(Message<JsonObject> m) {
    RunnerRestarted.fromJson(m.body());
    if (restartFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      BusErrors.fail(m, new ReachException(ErrorCode.ORCHESTRATOR_UNAVAILABLE, "scripted restart failure"));
      return;
    }
    m.reply(new JsonObject().put("expired", expiredOnRestart));
  }

  public List<Received> messages(String address) {
    return received.stream().filter(r -> r.address().equals(address)).toList();
  }

  public List<CompletionReport> completions() {
    return messages(Addresses.COMPLETE).stream().map(r -> CompletionReport.fromJson(r.body())).toList();
  }

  /** The first completion received for {@code token}, if any. */
  public java.util.Optional<CompletionReport> completion(long token) {
    return completions().stream().filter(c -> c.token() == token).findFirst();
  }

  public List<Heartbeat> heartbeats() {
    return messages(Addresses.HEARTBEAT).stream().map(r -> Heartbeat.fromJson(r.body())).toList();
  }

  public List<RunnerRestarted> restarts() {
    return messages(Addresses.RUNNER_RESTARTED).stream().map(r -> RunnerRestarted.fromJson(r.body())).toList();
  }

  /** Index of the first message to {@code address} in arrival order, or -1. */
  public int firstIndexOf(String address) {
    for (int i = 0; i < received.size(); i++) {
      if (received.get(i).address().equals(address)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void close() {
    consumers.forEach(c -> c.unregister().await());
  }
}
