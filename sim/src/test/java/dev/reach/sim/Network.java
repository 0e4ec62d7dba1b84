package dev.reach.sim;

import java.util.Random;

/**
 * The event bus between simulated nodes: every message takes a small random latency and, while
 * fault windows are open, may be lost, duplicated or delayed; a split drops what crosses it (at
 * sending or at arrival). A message to a frozen node waits for it to thaw; one to a dead node is gone.
 */
final class Network {
  private static final long BASE_LATENCY_MS = 10;

  private final World world;
  private final Random random;
  private final NetFaults faults = new NetFaults();
  private final Partition partition = new Partition();

  Network(World world, Random random) {
    this.world = world;
    this.random = random;
  }

  NetFaults faults() {
    return faults;
  }

  Partition partition() {
    return partition;
  }

  /** Sends {@code action} to run on {@code to}; {@code what} names the message in the trace when it is lost. */
  void send(SimNode from, SimNode to, String what, Runnable action) {
    long now = world.scheduler().now();
    if (partition.cuts(from.name, to.name)) {
      world.tally().count("messages cut by a partition");
      return;
    }
    if (random.nextDouble() < faults.loss(now)) {
      world.tally().count("messages lost");
      world.trace().add(from.name, "lost: " + what + " to " + to.name);
      return;
    }
    int copies = random.nextDouble() < faults.duplication(now) ? 2 : 1;
    if (copies == 2) {
      world.tally().count("messages duplicated");
      world.trace().add(from.name, "duplicated: " + what + " to " + to.name);
    }
    for (int i = 0; i < copies; i++) {
      long delay = 1 + random.nextInt((int) BASE_LATENCY_MS);
      long extra = faults.maxExtraDelay(now);
      if (extra > 0) {
        delay += (long) (random.nextDouble() * extra);
        world.tally().count("messages delayed");
      }
      int gen = to.generation();
      world.scheduler().after(delay, () -> {
        if (to.generation() != gen || partition.cuts(from.name, to.name)) {
          return; // the receiving process died meanwhile, or a split came between
        }
        to.deliver(action);
      });
    }
  }
}
