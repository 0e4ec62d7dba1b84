package dev.reach.orchestrator.leader;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Lock;
import java.util.logging.Logger;

/**
 * Leadership by a Hazelcast cluster lock. The lock only decides who does leader-only work; it
 * never decides correctness (every leader-only statement is itself guarded in Postgres). The lock
 * passes to a waiter when its holder leaves the cluster.
 */
public final class LeaderLock {
  public static final String NAME = "reach.orchestrator.leader";
  private static final Logger LOG = Logger.getLogger(LeaderLock.class.getName());
  private final Vertx vertx;
  private final long attemptTimeoutMs;
  private Lock lock;

  public LeaderLock(Vertx vertx, long attemptTimeoutMs) {
    this.vertx = vertx;
    this.attemptTimeoutMs = attemptTimeoutMs;
  }

  public boolean held() {
    return lock != null;
  }

  /** Tries once to take the lock; resolves to whether this node now leads. */
  public Future<Boolean> tryAcquire() {
    if (lock != null) {
      return Future.succeededFuture(true);
    }
    return vertx.sharedData().getLockWithTimeout(NAME, attemptTimeoutMs)
        .map(l -> {
          lock = l;
          LOG.info("this orchestrator is now the leader");
          return true;
        })
        .otherwise(false);
  }

  /** Drops a lock the cluster has already given to someone else, without releasing it. */
  public void forget() {
    lock = null;
  }

  public void release() {
    if (lock != null) {
      lock.release();
      lock = null;
    }
  }
}
