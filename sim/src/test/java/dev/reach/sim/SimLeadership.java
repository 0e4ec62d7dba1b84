package dev.reach.sim;

import dev.reach.orchestrator.leader.LeaderDuties;
import dev.reach.orchestrator.store.LeaderStore;

/**
 * A model of {@code leader.Leadership} (which is bound to the Vert.x/Hazelcast lock): the lock
 * says who may try, the epoch committed by the real {@link LeaderStore#take} says who leads. A node
 * whose epoch was found superseded releases the lock and waits six passes before trying again.
 */
final class SimLeadership {
  private static final int PASSES_TO_WAIT_WHEN_DEPOSED = 6;

  private final SimOrchestrator node;
  private final LockToken lock;
  private final LeaderStore store;
  private final String nodeId;
  private final long graceMs;
  private final Trace trace;
  private LeaderDuties duties;
  private Long epoch;
  private int waitPasses;

  SimLeadership(SimOrchestrator node, LockToken lock, LeaderStore store, String nodeId, long graceMs, Trace trace) {
    this.node = node;
    this.lock = lock;
    this.store = store;
    this.nodeId = nodeId;
    this.graceMs = graceMs;
    this.trace = trace;
  }

  void duties(LeaderDuties duties) {
    this.duties = duties;
  }

  Long epoch() {
    return epoch;
  }

  /** {@code Leadership.ensure}: this node's epoch, taking leadership if the lock can be had; null when not leading. */
  Outcome<Long> ensure() {
    if (epoch != null && node.believesLock()) {
      return Outcome.ok(epoch);
    }
    if (waitPasses > 0) {
      waitPasses--;
      return Outcome.ok(null);
    }
    if (!lock.tryAcquire(node)) {
      return Outcome.ok(null);
    }
    Outcome<LeaderStore.Takeover> t = Outcome.of(() -> store.take(nodeId, graceMs));
    if (!t.ok()) {
      trace.add(node.name, "takeover failed: " + t.code());
      return Outcome.fail(t.error());
    }
    epoch = t.value().epoch();
    node.world.tally().count("leader takeovers committed");
    trace.add(node.name, "elected with epoch " + trace.epoch(epoch) + ", " + t.value().graced() + " lease(s) graced");
    duties.elected();
    return Outcome.ok(epoch);
  }

  /** {@code Leadership.deposed}: the epoch moved on. */
  void deposed(long seenEpoch) {
    node.world.tally().count("leaders deposed (found their epoch superseded)");
    trace.add(node.name, "deposed: its epoch " + (epoch == null ? "-" : trace.epoch(epoch)) + " was superseded by "
        + trace.epoch(seenEpoch));
    epoch = null;
    lock.release(node);
    waitPasses = PASSES_TO_WAIT_WHEN_DEPOSED;
  }

  /** {@code Leadership.stepDown}: orderly stop, the lock is handed on. */
  void stepDown() {
    epoch = null;
    lock.release(node);
  }
}
