package dev.reach.runner.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The watcher's deadline for a lease: {@code sent + ttl - margin} on the watcher clock, counted
 * from when the request was sent — the database committed the lease no earlier than that, so the
 * watcher stops the job no later than the database lets the lease expire.
 */
class LeaseDeadlineTest {
  private final SettableWatcherClock clock = new SettableWatcherClock(1_000_000);

  @Test
  void deadlineIsSentPlusTtlMinusMargin() {
    long sent = clock.nowCentis();

    assertThat(LeaseDeadline.of(sent, 30_000, 5_000)).isEqualTo(sent + 2_500);
    assertThat(LeaseDeadline.of(sent, 3_000, 0)).isEqualTo(sent + 300);
  }

  @Test
  void countedFromTheSendTimeNotTheReceiveTime() {
    long sent = clock.nowCentis();
    clock.advance(700); // the answer takes 7 s to arrive (slow database, paused JVM, ...)
    long received = clock.nowCentis();

    long deadline = LeaseDeadline.of(sent, 10_000, 1_000);

    assertThat(deadline).isEqualTo(sent + 900).isEqualTo(received + 200);
    // an answer that arrives later than the lease could have lasted gives a deadline already past
    clock.advance(300);
    assertThat(LeaseDeadline.of(sent, 10_000, 1_000)).isLessThanOrEqualTo(clock.nowCentis());
  }

  @Test
  void roundsDownToWholeCentiseconds() {
    long sent = clock.nowCentis();

    // 2 999 ms: 299.9 centiseconds, never 300 — a deadline may come early, never late
    assertThat(LeaseDeadline.of(sent, 3_004, 5)).isEqualTo(sent + 299);
    assertThat(LeaseDeadline.of(sent, 3_009, 0)).isEqualTo(sent + 300);
  }

  @Test
  void aMarginAsLargeAsTheTtlMeansStopNow() {
    long sent = clock.nowCentis();

    assertThat(LeaseDeadline.of(sent, 5_000, 5_000)).isEqualTo(sent);
    assertThat(LeaseDeadline.of(sent, 5_000, 6_000)).isLessThan(sent);
    assertThat(LeaseDeadline.of(sent, 5_000, 5_015)).isLessThanOrEqualTo(sent);
  }

  @Test
  void laterRenewalsWithTheSameTtlGiveLaterDeadlines() {
    long first = LeaseDeadline.of(clock.nowCentis(), 30_000, 5_000);
    clock.advance(1_000);
    long second = LeaseDeadline.of(clock.nowCentis(), 30_000, 5_000);
    clock.advance(1);
    long third = LeaseDeadline.of(clock.nowCentis(), 30_000, 5_000);

    assertThat(second).isEqualTo(first + 1_000);
    assertThat(third).isEqualTo(second + 1);
  }

  @Test
  void uptimeClockAgreesWithProcUptime() throws Exception {
    UptimeClock uptime = new UptimeClock();
    long before = procUptimeCentis();
    long ours = uptime.nowCentis();
    long after = procUptimeCentis();

    // same clock as the watcher's /proc/uptime, to within a centisecond of rounding
    assertThat(ours).isBetween(before - 1, after + 1);
    assertThat(uptime.nowCentis()).isGreaterThanOrEqualTo(ours);
  }

  private static long procUptimeCentis() throws Exception {
    String text = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/uptime")).trim();
    return Long.parseLong(text.substring(0, text.indexOf(' ')).replace(".", ""));
  }
}
