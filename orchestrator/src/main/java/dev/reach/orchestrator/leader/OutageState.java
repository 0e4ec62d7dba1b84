package dev.reach.orchestrator.leader;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The leader's view of a database outage: since when its calls fail, how much of the ride-through
 * cap is left for outage extensions, and whether a grace must be committed before the reaper may
 * expire anything again. Thread-safe (the breaker reports from any thread).
 */
public final class OutageState {
  private final Clock clock;
  private final long capMs;
  private final AtomicLong sinceMs = new AtomicLong(-1);
  private final AtomicBoolean graceNeeded = new AtomicBoolean();
  private final AtomicLong extensionsGranted = new AtomicLong();
  private final AtomicLong extensionsRefused = new AtomicLong();
  private volatile String graceReason = "";
  private io.vertx.core.Promise<Void> reaping; // guarded by this

  public OutageState(Clock clock, long capMs) {
    this.clock = clock;
    this.capMs = capMs;
  }

  /** A database call failed because the database could not be reached. */
  public void databaseDown() {
    sinceMs.compareAndSet(-1, clock.millis());
    requireGrace("database outage");
  }

  /** A database call succeeded: the outage (if any) is over; the grace stays required until committed. */
  public void databaseUp() {
    sinceMs.set(-1);
  }

  public boolean inOutage() {
    return sinceMs.get() >= 0;
  }

  /**
   * Grants one outage extension if the cap allows: returns the milliseconds of ride-through left
   * (> 0), or 0 when the cap is used up.
   */
  public long tryExtend() {
    long now = clock.millis();
    sinceMs.compareAndSet(-1, now);
    long left = capMs - (now - sinceMs.get());
    if (left <= 0) {
      extensionsRefused.incrementAndGet();
      return 0;
    }
    extensionsGranted.incrementAndGet();
    requireGrace("outage extensions granted");
    return left;
  }

  public void requireGrace(String why) {
    graceReason = why;
    graceNeeded.set(true);
  }

  public boolean graceNeeded() {
    return graceNeeded.get();
  }

  public String graceReason() {
    return graceReason;
  }

  public void graceCommitted() {
    graceNeeded.set(false);
  }

  /**
   * A reap statement is in flight. Extensions are decided only between reaps, so no lease can be
   * extended for a runner while a reap that may expire it is running.
   */
  public synchronized void reapStarted() {
    reaping = io.vertx.core.Promise.promise();
  }

  public void reapEnded() {
    io.vertx.core.Promise<Void> p;
    synchronized (this) {
      p = reaping;
      reaping = null;
    }
    if (p != null) {
      p.tryComplete();
    }
  }

  /** Completes when no reap is in flight. */
  public synchronized io.vertx.core.Future<Void> reapDone() {
    return reaping == null ? io.vertx.core.Future.succeededFuture() : reaping.future();
  }

  public JsonObject describe() {
    long since = sinceMs.get();
    return new JsonObject()
        .put("in_outage", since >= 0)
        .put("since_ms", since < 0 ? null : since)
        .put("ride_through_cap_ms", capMs)
        .put("extensions_granted", extensionsGranted.get())
        .put("extensions_refused", extensionsRefused.get())
        .put("grace_pending", graceNeeded.get());
  }
}
