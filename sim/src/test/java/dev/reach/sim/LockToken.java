package dev.reach.sim;

/**
 * The Hazelcast leader lock, as a token. A node believes it holds the lock from the moment it got
 * it until it releases it (as {@code LeaderLock} does: a local field); the cluster frees the token
 * when it loses the holder (killed: 0.4 s; frozen or cut off: 5 s), whatever the holder believes,
 * so two nodes can both believe they hold it. As measured here, a release unlocks it whoever holds it.
 */
final class LockToken {
  private final Trace trace;
  private SimOrchestrator holder;
  private int holderGeneration;

  LockToken(Trace trace) {
    this.trace = trace;
  }

  SimOrchestrator holder() {
    return holder;
  }

  /** {@code LeaderLock.tryAcquire}: true if the node believes it holds it, or the token is free. */
  boolean tryAcquire(SimOrchestrator node) {
    if (node.believesLock()) {
      return true;
    }
    if (holder != null) {
      return false;
    }
    holder = node;
    holderGeneration = node.generation();
    node.believesLock(true);
    trace.add(node.name, "took the leader lock");
    return true;
  }

  /** {@code LeaderLock.release}: the node stops believing; the token is free, whoever had it. */
  void release(SimOrchestrator node) {
    node.believesLock(false);
    if (holder != null) {
      trace.add(node.name, "released the leader lock" + (holder != node ? " (held by " + holder.name + ")" : ""));
    }
    holder = null;
  }

  /** The cluster removed the holder's member (at {@code generation}): the token is free; the holder may still believe. */
  void memberLost(SimOrchestrator node, int generation) {
    if (holder == node && holderGeneration == generation) {
      holder = null;
      trace.add(node.name, "lost the leader lock to the cluster (still believes it holds it)");
    }
  }
}
