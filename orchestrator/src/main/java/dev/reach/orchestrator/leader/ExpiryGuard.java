package dev.reach.orchestrator.leader;

import dev.reach.orchestrator.store.LeaderStore;

/**
 * Decides, before a reaper pass expires anything, whether what it sees looks like an outage rather
 * than dead runners: more than a share of the active leases running out at once (at least a
 * minimum count), or the database clock moving further than the monotonic clock between passes.
 * Either is answered with a grace instead of a flood of requeues. After a grace, the same leases
 * may expire normally (a fleet that really died is requeued one grace later, not never).
 */
public final class ExpiryGuard {
  /** What the pass should do. */
  public enum Verdict {
    REAP,
    MASS_EXPIRY,
    CLOCK_JUMP
  }

  private final double massShare;
  private final long massMin;
  private final long clockJumpMs;
  private final long graceMs;
  private long lastDbMs = Long.MIN_VALUE;
  private long lastMonoMs;
  private long lastGraceMonoMs = Long.MIN_VALUE;
  private String detail = "";

  public ExpiryGuard(double massShare, long massMin, long clockJumpMs, long graceMs) {
    this.massShare = massShare;
    this.massMin = massMin;
    this.clockJumpMs = clockJumpMs;
    this.graceMs = graceMs;
  }

  /** Judges one probe; {@code monoMs} is a monotonic clock reading taken with it. */
  public Verdict judge(LeaderStore.Probe probe, long monoMs) {
    long dbMs = probe.dbNow().toInstant().toEpochMilli();
    long prevDb = lastDbMs;
    long prevMono = lastMonoMs;
    lastDbMs = dbMs;
    lastMonoMs = monoMs;
    if (prevDb != Long.MIN_VALUE) {
      long drift = (dbMs - prevDb) - (monoMs - prevMono);
      if (Math.abs(drift) > clockJumpMs) {
        detail = "database clock moved " + (dbMs - prevDb) + " ms while the monotonic clock moved " + (monoMs - prevMono) + " ms";
        return Verdict.CLOCK_JUMP;
      }
    }
    boolean recentlyGraced = lastGraceMonoMs != Long.MIN_VALUE && monoMs - lastGraceMonoMs < graceMs * 2;
    if (!recentlyGraced && probe.expiring() >= massMin && probe.expiring() > massShare * probe.active()) {
      detail = probe.expiring() + " of " + probe.active() + " active leases would expire in one pass";
      return Verdict.MASS_EXPIRY;
    }
    return Verdict.REAP;
  }

  /** A grace was committed at {@code monoMs}. */
  public void graced(long monoMs) {
    lastGraceMonoMs = monoMs;
  }

  /** Forget the previous probe (leadership changed, or the database was away). */
  public void reset() {
    lastDbMs = Long.MIN_VALUE;
  }

  public String detail() {
    return detail;
  }
}
