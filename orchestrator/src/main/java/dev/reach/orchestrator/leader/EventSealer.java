package dev.reach.orchestrator.leader;

import dev.reach.orchestrator.store.EventChainStore;
import dev.reach.shared.audit.ChainEncoding;
import dev.reach.shared.audit.SealedEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.logging.Logger;

/**
 * One sealing pass of the leader, with no timers in it. Each pass first takes a finality mark (the
 * sequence's last value, then a fresh transaction id; see {@code V005__event_chain.sql}), then lets
 * every mark whose transaction id is at or below the oldest running transaction raise the horizon:
 * all seqs up to it are final. It then seals, in order, up to a batch of the visible events between
 * the chain's head and the horizon (the holes left by aborted transactions are simply not there),
 * hashing off the event loop, and stores the seals under its epoch: a pass run with an epoch that is
 * no longer current stores nothing. Used from one context at a time.
 */
public final class EventSealer {
  private static final Logger LOG = Logger.getLogger(EventSealer.class.getName());

  private record Mark(long lastSeq, long xid) {}

  private final Vertx vertx;
  private final EventChainStore store;
  private final int batch;
  private final Deque<Mark> marks = new ArrayDeque<>();
  private long horizon;

  public EventSealer(Vertx vertx, EventChainStore store, int batch) {
    this.vertx = vertx;
    this.store = store;
    this.batch = batch;
  }

  /** Every seq up to this is known final. */
  public long horizon() {
    return horizon;
  }

  /** One pass as the leader of {@code epoch}; resolves to the number of events sealed (-1: the epoch was stale). */
  public Future<Integer> pass(long epoch) {
    return store.sequenceLastValue()
        .compose(last -> store.freshXid().map(xid -> new Mark(last, xid)))
        .compose(mark -> {
          if (marks.isEmpty() || marks.peekLast().lastSeq() < mark.lastSeq()) {
            marks.addLast(mark);
          }
          return store.oldestRunningXid();
        })
        .compose(xmin -> {
          while (!marks.isEmpty() && marks.peekFirst().xid() <= xmin) {
            horizon = Math.max(horizon, marks.pollFirst().lastSeq());
          }
          return store.head();
        })
        .compose(head -> {
          long after = head == null ? 0 : head.seq();
          if (after >= horizon) {
            return Future.succeededFuture(0);
          }
          return store.unsealed(after, horizon, batch).compose(events -> events.isEmpty()
              ? Future.succeededFuture(0)
              : vertx.executeBlocking(() -> seals(head, events)).compose(seals -> store.seal(epoch, seals).map(n -> {
                if (n == 0) {
                  LOG.warning("event sealer: epoch " + epoch + " is no longer current; sealed nothing");
                  return -1;
                }
                return n;
              })));
        });
  }

  /** Hashes {@code events} in order after {@code head} (CPU work: called off the event loop). */
  static List<EventChainStore.Seal> seals(EventChainStore.Head head, List<SealedEvent> events) {
    long pos = head == null ? 0 : head.pos();
    String prev = head == null ? ChainEncoding.GENESIS : head.hash();
    List<EventChainStore.Seal> out = new ArrayList<>(events.size());
    for (SealedEvent e : events) {
      pos++;
      String hash = ChainEncoding.hash(e, pos, prev);
      out.add(new EventChainStore.Seal(pos, e.seq(), prev, hash));
      prev = hash;
    }
    return out;
  }
}
