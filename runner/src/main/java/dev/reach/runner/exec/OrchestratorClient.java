package dev.reach.runner.exec;

import dev.reach.shared.bus.Addresses;
import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.bus.ClaimResponse;
import dev.reach.shared.bus.CompletionOutcome;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.HeartbeatAck;
import dev.reach.shared.bus.JoinCredential;
import dev.reach.shared.bus.RunnerRestarted;
import dev.reach.shared.bus.StartedReport;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/** The runner's side of the lease protocol on the event bus; every request has a timeout. */
public final class OrchestratorClient {
  private final Vertx vertx;
  private final DeliveryOptions options;
  private final DeliveryOptions heartbeatOptions;

  public OrchestratorClient(Vertx vertx, long timeoutMs) {
    this(vertx, timeoutMs, timeoutMs, null);
  }

  /**
   * {@code heartbeatTimeoutMs} bounds heartbeats separately: a heartbeat that went to an
   * orchestrator that just died must fail early enough for a retry to reach another one before
   * the watchers' deadlines pass ({@link dev.reach.shared.bus.LeaseTimings#heartbeatTimeoutMs()}).
   * {@code join} (null: none) goes with every message: orchestrators with auth on serve only runners
   * that joined with a live join token.
   */
  public OrchestratorClient(Vertx vertx, long timeoutMs, long heartbeatTimeoutMs, JoinCredential join) {
    this.vertx = vertx;
    this.options = stamped(new DeliveryOptions().setSendTimeout(timeoutMs), join);
    this.heartbeatOptions = stamped(new DeliveryOptions().setSendTimeout(heartbeatTimeoutMs), join);
  }

  private static DeliveryOptions stamped(DeliveryOptions options, JoinCredential join) {
    return join == null ? options : join.stamp(options);
  }

  public Future<ClaimResponse> claim(ClaimRequest req) {
    return request(Addresses.CLAIM, req.toJson()).map(ClaimResponse::fromJson);
  }

  public Future<HeartbeatAck> heartbeat(Heartbeat hb) {
    return request(Addresses.HEARTBEAT, hb.toJson(), heartbeatOptions).map(HeartbeatAck::fromJson);
  }

  /**
   * A heartbeat sent while the database is unreachable, to the leader only: answered by an outage
   * extension (nothing committed) or refused ({@code OUTAGE_CAP_REACHED}, {@code NOT_LEADER}, ...).
   */
  public Future<HeartbeatAck> outageHeartbeat(Heartbeat hb) {
    return request(Addresses.OUTAGE_HEARTBEAT, hb.toJson(), heartbeatOptions).map(HeartbeatAck::fromJson);
  }

  /** Reports a new incarnation's sweep; resolves to how many leases of earlier incarnations the orchestrator expired. */
  public Future<Integer> runnerRestarted(RunnerRestarted report) {
    return request(Addresses.RUNNER_RESTARTED, report.toJson()).map(j -> j == null ? 0 : j.getInteger("expired", 0));
  }

  public Future<Void> started(StartedReport report) {
    return request(Addresses.STARTED, report.toJson()).mapEmpty();
  }

  public Future<CompletionOutcome> complete(CompletionReport report) {
    return request(Addresses.COMPLETE, report.toJson()).map(j -> CompletionOutcome.valueOf(j.getString("outcome")));
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return request(address, body, options);
  }

  private Future<JsonObject> request(String address, JsonObject body, DeliveryOptions opts) {
    return vertx.eventBus().<JsonObject>request(address, body, opts)
        .map(m -> m.body())
        .recover(t -> Future.failedFuture(t instanceof ReplyException rx
            ? BusErrors.fromReply(rx, ErrorCode.ORCHESTRATOR_UNAVAILABLE)
            : new ReachException(ErrorCode.ORCHESTRATOR_UNAVAILABLE, "orchestrator request failed: " + t.getMessage())));
  }
}
