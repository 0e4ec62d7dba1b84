package dev.reach.shared.heal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Whether one component may be healed now: at most {@code maxHeals} heals within {@code window}
 * (then {@code BLOCKED} until the oldest falls out of it) and {@code cooldown} between two heals
 * ({@code COOLING_DOWN} with the time left). Time comes from the injected clock. Thread-safe.
 */
public final class HealPolicy {
  private final Clock clock;
  private final int maxHeals;
  private final Duration window;
  private final Duration cooldown;
  private final Deque<Instant> heals = new ArrayDeque<>();

  public HealPolicy(Clock clock, int maxHeals, Duration window, Duration cooldown) {
    if (maxHeals < 1) {
      throw new IllegalArgumentException("maxHeals must be at least 1");
    }
    this.clock = clock;
    this.maxHeals = maxHeals;
    this.window = window;
    this.cooldown = cooldown;
  }

  /** The policy now. */
  public synchronized PolicyState state() {
    Instant now = clock.instant();
    forgetOld(now);
    if (heals.size() >= maxHeals) {
      Instant freeAt = heals.peekFirst().plus(window);
      return new PolicyState(PolicyState.Kind.BLOCKED, Duration.between(now, freeAt), heals.size(), maxHeals,
          "healed " + heals.size() + " times within " + window.toMinutes() + " min (limit " + maxHeals + ")");
    }
    Instant last = heals.peekLast();
    if (last != null && now.isBefore(last.plus(cooldown))) {
      return new PolicyState(PolicyState.Kind.COOLING_DOWN, Duration.between(now, last.plus(cooldown)), heals.size(),
          maxHeals, "last heal " + Duration.between(last, now).toSeconds() + " s ago; cooldown " + cooldown.toSeconds()
              + " s");
    }
    return new PolicyState(PolicyState.Kind.ALLOWED, Duration.ZERO, heals.size(), maxHeals, "within limits");
  }

  /** A heal (automatic or manual) happened now; it counts against the window and starts the cooldown. */
  public synchronized void healed() {
    Instant now = clock.instant();
    forgetOld(now);
    heals.addLast(now);
  }

  private void forgetOld(Instant now) {
    while (!heals.isEmpty() && !heals.peekFirst().plus(window).isAfter(now)) {
      heals.removeFirst();
    }
  }
}
