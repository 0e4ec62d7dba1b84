package dev.reach.sim;

import java.util.PriorityQueue;

/**
 * The event queue of one seed: actions at simulated times, run in (time, insertion) order, so a
 * seed's run is a pure function of its seed. Running an action moves the clock to its time.
 */
final class Scheduler {
  private record Event(long at, long seq, Runnable action) {}

  private final SimClock clock;
  private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) ->
      a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private long seq;

  Scheduler(SimClock clock) {
    this.clock = clock;
  }

  long now() {
    return clock.ms();
  }

  void at(long atMs, Runnable action) {
    queue.add(new Event(Math.max(atMs, clock.ms()), seq++, action));
  }

  void after(long delayMs, Runnable action) {
    at(clock.ms() + Math.max(0, delayMs), action);
  }

  /** Runs the next action; false when nothing is left. */
  boolean runNext() {
    Event e = queue.poll();
    if (e == null) {
      return false;
    }
    clock.advanceTo(e.at);
    e.action.run();
    return true;
  }

  /** Drops whatever is still queued (the seed is over). */
  void clear() {
    queue.clear();
  }
}
