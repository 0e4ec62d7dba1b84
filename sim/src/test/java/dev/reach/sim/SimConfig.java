package dev.reach.sim;

/**
 * The simulated deployment's settings (simulated milliseconds). They keep the production ratios
 * where it matters — heartbeats at a third of what a renewal leaves the watchers (TTL minus the kill
 * margin, as {@code LeaseTimings} computes it), a kill margin of at most a third of it, the
 * takeover grace = ride-through cap + TTL, Hazelcast's failure detection — but are short, so one
 * seed needs few steps.
 */
final class SimConfig {
  static final long TTL_MS = 3_000;
  static final long KILL_MARGIN_MS = 500;
  static final long HEARTBEAT_MS =
      new dev.reach.shared.bus.LeaseTimings(TTL_MS, KILL_MARGIN_MS, 900).heartbeatEveryMs();
  static final long REQUEST_TIMEOUT_MS = 900;
  static final long RUNNER_POLL_MS = 5_000;
  static final long RIDE_THROUGH_MS = 4_000;
  static final long GRACE_MS = RIDE_THROUGH_MS + TTL_MS;
  static final double MASS_EXPIRY_SHARE = 0.5;
  static final int MASS_EXPIRY_MIN = 4;
  static final long CLOCK_JUMP_MS = 5_000;
  static final int CLAIM_TRIES = 3;
  static final int STARTED_TRIES = 8;
  static final long JOURNAL_REPLAY_WAIT_MS = 10_000;
  static final int RESTART_REPORT_TRIES = 5;
  /** The watcher polls its deadline every 100 ms (and at once when handed a new one). */
  static final long WATCHER_POLL_MS = 100;
  /** A killed runner's watchers see their stdin close and kill their jobs within this. */
  static final long WATCHER_RUNNER_GONE_MS = 100;
  /** Hazelcast: a killed member is noticed in 0.4 s, a frozen or cut-off one in 5 s (Reach's defaults). */
  static final long MEMBER_KILLED_DETECT_MS = 400;
  static final long MEMBER_TIMEOUT_MS = 5_000;
  /** A submission that failed is tried again after this, with the same idempotency key. */
  static final long SUBMIT_RETRY_MS = 300;

  private final long reaperMs;
  private final boolean refuseExpiredLeases;

  SimConfig(long reaperMs, boolean refuseExpiredLeases) {
    this.reaperMs = reaperMs;
    this.refuseExpiredLeases = refuseExpiredLeases;
  }

  /**
   * The settings of the normal run, with the runner's behaviour: a claim answered after its
   * leases' deadline starts nothing. {@code -Dsim.startLateLeases=true} brings back the bug the
   * simulation found (such leases started anyway), which breaks invariant (a) for some seeds.
   */
  static SimConfig defaults() {
    return new SimConfig(1_500, !Boolean.getBoolean("sim.startLateLeases"));
  }

  long reaperMs() {
    return reaperMs;
  }

  /**
   * A proposed runner fix, off by default (the runner today spawns every lease a claim answer
   * brings): a lease whose watcher deadline has already passed when the answer is handled (the
   * runner was frozen while it was in flight) is not started; like any lease not held, the next
   * heartbeat releases it.
   */
  boolean refuseExpiredLeases() {
    return refuseExpiredLeases;
  }
}
