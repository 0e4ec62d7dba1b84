package dev.reach.orchestrator.api;

import dev.reach.orchestrator.store.LeaseEvents;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.metrics.ReachMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lease protocol as this orchestrator saw it: leases granted, renewed and expired, reports
 * refused as stale (late runners, frozen runners, reports after a restore), and the requests it
 * answered with an error, by code. Kept for the status payload and exported on {@code /metrics}
 * ({@code reach_lease_grants_total}, {@code reach_lease_renewals_total},
 * {@code reach_lease_expirations_total{reason}}, {@code reach_stale_completions_refused_total},
 * {@code reach_stale_starts_refused_total}, {@code reach_orchestrator_request_errors_total{address,code}}).
 */
public final class ProtocolCounters implements LeaseEvents {
  private final ReachMetrics metrics;
  private final AtomicLong staleCompletions = new AtomicLong();
  private final AtomicLong staleStarts = new AtomicLong();
  private final AtomicLong restartsReported = new AtomicLong();
  private final AtomicLong granted = new AtomicLong();
  private final AtomicLong renewed = new AtomicLong();
  private final AtomicLong expired = new AtomicLong();
  private final Counter grants;
  private final Counter renewals;
  private final Counter staleCompletionsRefused;
  private final Counter staleStartsRefused;

  public ProtocolCounters(ReachMetrics metrics) {
    this.metrics = metrics;
    this.grants = metrics.counter("reach.lease.grants", "Leases granted to runners' claims");
    this.renewals = metrics.counter("reach.lease.renewals", "Leases renewed by runners' heartbeats");
    this.staleCompletionsRefused = metrics.counter("reach.stale.completions.refused",
        "Completion reports refused because their lease was no longer current");
    this.staleStartsRefused = metrics.counter("reach.stale.starts.refused",
        "Started reports refused because their lease was no longer current");
    for (String reason : new String[] {"lease_expired", "runner_restarted"}) {
      expirationCounter(reason); // present from the start, at 0
    }
  }

  private Counter expirationCounter(String reason) {
    return metrics.counter("reach.lease.expirations", "Leases ended by expiry or by a reported runner restart",
        "reason", reason);
  }

  void staleCompletion() {
    staleCompletions.incrementAndGet();
    staleCompletionsRefused.increment();
  }

  void staleStart() {
    staleStarts.incrementAndGet();
    staleStartsRefused.increment();
  }

  void restartReported() {
    restartsReported.incrementAndGet();
  }

  /** A request on {@code address} answered with {@code code}. */
  void requestError(String address, ErrorCode code) {
    metrics.counter("reach.orchestrator.request.errors", "Event-bus requests the orchestrator answered with an error",
        "address", address, "code", code.name()).increment();
  }

  @Override
  public void granted(int leases) {
    granted.addAndGet(leases);
    grants.increment(leases);
  }

  @Override
  public void renewed(int leases) {
    renewed.addAndGet(leases);
    renewals.increment(leases);
  }

  @Override
  public void expired(String reason, int leases) {
    expired.addAndGet(leases);
    expirationCounter(reason).increment(leases);
  }

  public long staleCompletions() {
    return staleCompletions.get();
  }

  public JsonObject describe() {
    return new JsonObject()
        .put("stale_completions_refused", staleCompletions.get())
        .put("stale_starts_refused", staleStarts.get())
        .put("runner_restarts_reported", restartsReported.get())
        .put("leases_granted", granted.get())
        .put("leases_renewed", renewed.get())
        .put("leases_expired", expired.get());
  }
}
