package dev.reach.shared.bus;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The database-outage ride-through path must fit in what a committed renewal leaves the watchers,
 * with room to spare. When the database stops answering right after a committed renewal was sent
 * at {@code t}, the watchers stop the jobs at {@code t + ttl - margin}; before then the runner's
 * next heartbeat (one period later) must time out, its outage heartbeat reach the leader, the
 * leader's renewal try time out and the extension come back. Before this was counted from the
 * watchers' budget, the period was a third of the TTL and the leader's try an eighth of it: at a
 * kill margin of a third of the TTL (allowed, and what the drills use: TTL 3 s, margin 1 s) that
 * path took 1875 of the 2000 ms — the first extensions arrived 50–80 ms before the deadlines on an
 * idle machine, and after them on a loaded one (jobs fenced themselves in the database drill).
 */
class LeaseTimingsTest {
  private static final long[] TTLS = {3_000, 5_000, 15_000, 60_000, 600_000};

  @Test
  void theRideThroughPathLeavesMoreThanAQuarterOfTheWatchersBudgetForEveryAllowedMargin() {
    for (long ttl : TTLS) {
      for (long margin : new long[] {100, 1_000, ttl / 4, ttl / 3}) {
        for (long requestTimeout : new long[] {3_000, 10_000, 600_000}) {
          if (margin * 3 > ttl) {
            continue; // refused by the configuration
          }
          LeaseTimings t = new LeaseTimings(ttl, margin, requestTimeout);
          long budget = t.watcherBudgetMs();
          assertThat(t.rideThroughPathMs())
              .as("ttl %d, margin %d, request timeout %d: period %d + heartbeat timeout %d + leader try %d within 3/4 of %d",
                  ttl, margin, requestTimeout, t.heartbeatEveryMs(), t.heartbeatTimeoutMs(), t.outageRenewalTryMs(), budget)
              .isLessThanOrEqualTo(budget * 3 / 4);
        }
      }
    }
  }

  @Test
  void theLeaderAnswersWithinHalfOfTheRunnersHeartbeatTimeout() {
    for (long ttl : TTLS) {
      for (long margin : new long[] {100, 1_000, ttl / 3}) {
        for (long requestTimeout : new long[] {3_000, 600_000}) {
          LeaseTimings t = new LeaseTimings(ttl, margin, requestTimeout);
          // the outage heartbeat is sent with the same timeout: the leader's try must leave it room
          assertThat(t.outageRenewalTryMs() * 2).as("ttl %d, margin %d, request timeout %d", ttl, margin, requestTimeout)
              .isLessThanOrEqualTo(t.heartbeatTimeoutMs());
        }
      }
    }
  }

  @Test
  void theDrillSettingsLeaveMoreThanHalfASecond() {
    // DatabaseOutageDrillTest: TTL 3 s, kill margin 1 s, request timeout 6 s
    LeaseTimings t = new LeaseTimings(3_000, 1_000, 6_000);
    assertThat(t.heartbeatEveryMs()).isEqualTo(666);
    assertThat(t.heartbeatTimeoutMs()).isEqualTo(500);
    assertThat(t.outageRenewalTryMs()).isEqualTo(250);
    assertThat(t.watcherBudgetMs() - t.rideThroughPathMs()).isEqualTo(584);
  }
}
