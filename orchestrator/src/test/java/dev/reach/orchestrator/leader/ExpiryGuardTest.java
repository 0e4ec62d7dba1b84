package dev.reach.orchestrator.leader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.orchestrator.store.LeaderStore;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ExpiryGuardTest {
  private static final OffsetDateTime T0 = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
  private final ExpiryGuard guard = new ExpiryGuard(0.5, 4, 5_000, 75_000);

  private static LeaderStore.Probe probe(long dbMs, long active, long expiring) {
    return new LeaderStore.Probe(1, T0.plusNanos(dbMs * 1_000_000), active, expiring);
  }

  @Test
  void ordinaryExpiriesAreReaped() {
    assertThat(guard.judge(probe(0, 100, 3), 0)).isEqualTo(ExpiryGuard.Verdict.REAP);
    assertThat(guard.judge(probe(500, 100, 50), 500)).isEqualTo(ExpiryGuard.Verdict.REAP);
    assertThat(guard.judge(probe(1000, 6, 3), 1000)).as("below the minimum count").isEqualTo(ExpiryGuard.Verdict.REAP);
  }

  @Test
  void moreThanTheShareAtOnceIsAMassExpiryOncePerGrace() {
    assertThat(guard.judge(probe(0, 100, 51), 0)).isEqualTo(ExpiryGuard.Verdict.MASS_EXPIRY);
    assertThat(guard.detail()).contains("51 of 100");
    guard.graced(0);
    // the same leases running out again after the grace are really gone: reap them
    assertThat(guard.judge(probe(80_000, 100, 100), 80_000)).isEqualTo(ExpiryGuard.Verdict.REAP);
    // much later, a new mass expiry is again treated as an outage
    assertThat(guard.judge(probe(400_000, 100, 90), 400_000)).isEqualTo(ExpiryGuard.Verdict.MASS_EXPIRY);
  }

  @Test
  void aDatabaseClockThatJumpsAgainstTheMonotonicClockIsAnOutage() {
    assertThat(guard.judge(probe(0, 10, 0), 0)).isEqualTo(ExpiryGuard.Verdict.REAP);
    assertThat(guard.judge(probe(500, 10, 0), 500)).isEqualTo(ExpiryGuard.Verdict.REAP);
    assertThat(guard.judge(probe(60_500, 10, 0), 1_000)).isEqualTo(ExpiryGuard.Verdict.CLOCK_JUMP);
    assertThat(guard.detail()).contains("60000 ms").contains("500 ms");
    // backwards too
    assertThat(guard.judge(probe(50_000, 10, 0), 1_500)).isEqualTo(ExpiryGuard.Verdict.CLOCK_JUMP);
    // after a reset (outage, new leader) the first probe has nothing to compare with
    guard.reset();
    assertThat(guard.judge(probe(900_000, 10, 0), 2_000)).isEqualTo(ExpiryGuard.Verdict.REAP);
  }
}
