package dev.reach.orchestrator.leader;

import dev.reach.orchestrator.store.LeaderStore;
import io.vertx.core.Future;
import java.util.logging.Logger;

/**
 * Who leads, in two steps: the Hazelcast lock says who may try, the epoch committed in Postgres
 * says who leads. A node is leader (has an epoch) only after its takeover — epoch + 1, a
 * {@code leader_elected} event and the grace over every active lease — has committed. A leader
 * that finds the epoch moved on was deposed: it stops at once, drops (never releases) its stale lock and waits a few
 * passes before trying again (so two sides of a split do not take turns every pass). Used from
 * one context only.
 */
public final class Leadership {
  private static final Logger LOG = Logger.getLogger(Leadership.class.getName());
  private static final int PASSES_TO_WAIT_WHEN_DEPOSED = 6;

  /** What happens when this node gains or loses leadership. */
  public interface Listener {
    void lockTaken();

    void elected(LeaderStore.Takeover takeover);

    void lost(String why);
  }

  private final LeaderLock lock;
  private final LeaderStore store;
  private final String nodeId;
  private final long graceMs;
  private final Listener listener;
  private volatile Long epoch;
  private int waitPasses;

  public Leadership(LeaderLock lock, LeaderStore store, String nodeId, long graceMs, Listener listener) {
    this.lock = lock;
    this.store = store;
    this.nodeId = nodeId;
    this.graceMs = graceMs;
    this.listener = listener;
  }

  public String nodeId() {
    return nodeId;
  }

  /** The committed epoch of this node's leadership, or null when it does not lead. */
  public Long epoch() {
    return epoch;
  }

  public boolean lockHeld() {
    return lock.held();
  }

  /** Resolves to this node's epoch, taking leadership if the lock can be had; null when not leading. */
  public Future<Long> ensure() {
    if (epoch != null && lock.held()) {
      return Future.succeededFuture(epoch);
    }
    if (waitPasses > 0) {
      waitPasses--;
      return Future.succeededFuture(null);
    }
    boolean hadLock = lock.held();
    return lock.tryAcquire().compose(held -> {
      if (!held) {
        return Future.succeededFuture((Long) null);
      }
      if (!hadLock) {
        listener.lockTaken();
      }
      // the lock is ours; we lead once the takeover (and its grace) committed — if the database is
      // down this fails and is retried on the next pass, with the lock kept
      return store.take(nodeId, graceMs).map(t -> {
        epoch = t.epoch();
        LOG.info("leader " + nodeId + " elected with epoch " + t.epoch() + " (previous leader '" + t.previousLeaderId()
            + "'); " + t.graced() + " active lease(s) graced by " + graceMs + " ms before anything expires");
        listener.elected(t);
        return epoch;
      });
    });
  }

  /** The epoch moved on (another node took over): stop leading now. */
  public void deposed(long seenEpoch) {
    Long mine = epoch;
    epoch = null;
    // Not released: another node could only take over because the cluster already gave our
    // permit away (we were cut off or thought dead). Releasing it now would add a second permit
    // and make two leaders take turns forever; the reference is just dropped.
    lock.forget();
    waitPasses = PASSES_TO_WAIT_WHEN_DEPOSED;
    String why = "deposed: epoch " + mine + " was superseded by " + seenEpoch;
    LOG.warning("leader " + nodeId + " " + why);
    listener.lost(why);
  }

  /** Orderly stop: hand the lock on. */
  public void stepDown() {
    boolean had = lock.held();
    epoch = null;
    lock.release();
    if (had) {
      LOG.info("leader " + nodeId + " stepped down");
      listener.lost("stepped down");
    }
  }
}
