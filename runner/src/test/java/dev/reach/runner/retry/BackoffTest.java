package dev.reach.runner.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Capped exponential backoff with full jitter: every wait lies in {@code [0, min(cap, base * 2^(n-1))]}. */
class BackoffTest {
  @Test
  void ceilingDoublesFromTheBaseUpToTheCap() {
    Backoff b = new Backoff(100, 5_000);

    List<Long> ceilings = new ArrayList<>();
    for (int n = 1; n <= 9; n++) {
      ceilings.add(b.ceiling(n));
    }

    assertThat(ceilings).containsExactly(100L, 200L, 400L, 800L, 1_600L, 3_200L, 5_000L, 5_000L, 5_000L);
  }

  @Test
  void ceilingNeverOverflowsForHugeTryNumbers() {
    Backoff b = new Backoff(100, 5_000);

    for (int n : new int[] {40, 57, 62, 63, 64, 1_000, Integer.MAX_VALUE}) {
      assertThat(b.ceiling(n)).as("try %d", n).isEqualTo(5_000L);
    }
    Backoff wide = new Backoff(3, Long.MAX_VALUE / 2);
    assertThat(wide.ceiling(61)).isPositive().isLessThanOrEqualTo(Long.MAX_VALUE / 2);
    assertThat(wide.ceiling(200)).isEqualTo(Long.MAX_VALUE / 2);
  }

  @Test
  void fullJitterSpansZeroToTheCeilingInclusive() {
    Backoff lowest = new Backoff(100, 5_000, () -> 0.0);
    Backoff highest = new Backoff(100, 5_000, () -> Math.nextDown(1.0));
    Backoff middle = new Backoff(100, 5_000, () -> 0.5);

    for (int n = 1; n <= 12; n++) {
      assertThat(lowest.delay(n)).isZero();
      assertThat(highest.delay(n)).isEqualTo(lowest.ceiling(n));
      assertThat(middle.delay(n)).isBetween(lowest.ceiling(n) / 2 - 1, lowest.ceiling(n) / 2 + 1);
    }
  }

  @Test
  void randomDelaysStayWithinBoundsAndUseTheWholeWindow() {
    Random seeded = new Random(42);
    Backoff b = new Backoff(50, 2_000, seeded::nextDouble);

    for (int n = 1; n <= 10; n++) {
      long ceiling = b.ceiling(n);
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (int i = 0; i < 2_000; i++) {
        long d = b.delay(n);
        assertThat(d).isBetween(0L, ceiling);
        min = Math.min(min, d);
        max = Math.max(max, d);
      }
      // spread over the window, not bunched at one end
      assertThat(min).as("smallest of try %d", n).isLessThanOrEqualTo(ceiling / 10);
      assertThat(max).as("largest of try %d", n).isGreaterThanOrEqualTo(ceiling - ceiling / 10);
    }
  }

  @Test
  void rejectsABaseAboveTheCap() {
    assertThatThrownBy(() -> new Backoff(0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(20, 10)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void retryPolicyCountsTheFirstTry() {
    RetryPolicy three = new RetryPolicy(3, new Backoff(1, 1));

    assertThat(three.mayRetry(1)).isTrue();
    assertThat(three.mayRetry(2)).isTrue();
    assertThat(three.mayRetry(3)).as("three tries made").isFalse();
    assertThat(new RetryPolicy(1, new Backoff(1, 1)).mayRetry(1)).isFalse();
    assertThatThrownBy(() -> new RetryPolicy(0, new Backoff(1, 1))).isInstanceOf(IllegalArgumentException.class);
  }
}
