package dev.reach.runner.lease;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.runner.process.LeaseDeadline;
import dev.reach.runner.process.SettableWatcherClock;
import org.junit.jupiter.api.Test;

/**
 * The runner's own enforcement of the outage cap, on a clock the test moves: extensions are taken
 * only while the last committed renewal is at most {@code cap} old, give the deadline a renewal
 * would, and never reach past {@code lastCommitted + cap + ttl - margin}.
 */
class OutageRideThroughTest {
  private static final long TTL = 15_000;
  private static final long MARGIN = 1_000;
  private static final long CAP = 60_000;

  private final SettableWatcherClock clock = new SettableWatcherClock(1_000_000);
  private final OutageRideThrough ride = new OutageRideThrough(clock, CAP, TTL, MARGIN);

  @Test
  void noExtensionBeforeAnythingCommitted() {
    assertThat(ride.extension(clock.nowCentis(), TTL)).isEmpty();
    assertThat(ride.sinceCommittedMs()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void anExtensionEarlyInAnOutageIsExactlyARenewalFromItsSendTime() {
    long committedAt = clock.nowCentis();
    ride.committed(committedAt);
    clock.advance(500); // 5 s later the database is down; the outage heartbeat is sent now
    long sentAt = clock.nowCentis();
    clock.advance(20); // and answered 200 ms later

    assertThat(ride.extension(sentAt, TTL)).hasValue(LeaseDeadline.of(sentAt, TTL, MARGIN));
  }

  @Test
  void extensionsAreCappedAtLastCommittedPlusCapPlusTtl() {
    long committedAt = clock.nowCentis();
    ride.committed(committedAt);
    long capDeadline = LeaseDeadline.of(committedAt, CAP + TTL, MARGIN);

    clock.advance(CAP / 10 - 100); // 59 s without a committed renewal: still within the cap
    long sentAt = clock.nowCentis();

    assertThat(ride.extension(sentAt, TTL)).hasValue(Math.min(LeaseDeadline.of(sentAt, TTL, MARGIN), capDeadline));
    assertThat(ride.extension(sentAt, TTL).getAsLong()).isLessThanOrEqualTo(capDeadline);
    // even an absurd TTL from the leader cannot stretch it
    assertThat(ride.extension(sentAt, 3_600_000)).hasValue(capDeadline);
    // and a shorter one counts as it is
    assertThat(ride.extension(sentAt, 3_000)).hasValue(LeaseDeadline.of(sentAt, 3_000, MARGIN));
  }

  @Test
  void pastTheCapNoExtensionIsTaken() {
    ride.committed(clock.nowCentis());

    clock.advance(CAP / 10); // exactly the cap: still allowed
    assertThat(ride.extension(clock.nowCentis(), TTL)).isPresent();
    clock.advance(1); // 10 ms past the cap
    assertThat(ride.extension(clock.nowCentis(), TTL)).isEmpty();
    assertThat(ride.capPassedFirstTime()).isTrue();
    assertThat(ride.capPassedFirstTime()).as("reported once per episode").isFalse();
  }

  @Test
  void theCapIsCountedAtTheAnswerNotTheRequest() {
    ride.committed(clock.nowCentis());
    clock.advance(CAP / 10 - 50);
    long sentAt = clock.nowCentis(); // sent within the cap
    clock.advance(100); // answered past it

    assertThat(ride.extension(sentAt, TTL)).isEmpty();
  }

  @Test
  void aCommittedRenewalEndsTheEpisodeAndRestartsTheCap() {
    ride.committed(clock.nowCentis());
    clock.advance(300);
    assertThat(ride.startRiding()).isTrue();
    assertThat(ride.startRiding()).as("one warning per episode").isFalse();
    clock.advance(CAP / 10); // past the cap
    assertThat(ride.extension(clock.nowCentis(), TTL)).isEmpty();
    ride.capPassedFirstTime();

    long back = clock.nowCentis();
    long rode = ride.committed(back);

    assertThat(rode).isEqualTo(CAP);
    assertThat(ride.riding()).isFalse();
    clock.advance(100);
    assertThat(ride.extension(clock.nowCentis(), TTL)).isPresent();
    assertThat(ride.committed(clock.nowCentis())).as("not riding: nothing to report").isEqualTo(-1);
    assertThat(ride.startRiding()).as("a new episode").isTrue();
  }

  @Test
  void anOlderCommitNeverMovesTheReferenceBack() {
    long first = clock.nowCentis();
    clock.advance(1_000);
    long second = clock.nowCentis();
    ride.committed(second);
    ride.committed(first); // a late answer to an earlier request

    assertThat(ride.sinceCommittedMs()).isZero();
  }

  @Test
  void aZeroCapMeansNoRideThroughAtAll() {
    OutageRideThrough none = new OutageRideThrough(clock, 0, TTL, MARGIN);
    none.committed(clock.nowCentis());
    clock.advance(1);

    assertThat(none.extension(clock.nowCentis(), TTL)).isEmpty();
  }
}
