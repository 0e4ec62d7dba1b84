package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.orchestrator.leader.EventSealer;
import dev.reach.shared.audit.ChainVerifier;
import dev.reach.shared.audit.ExportLines;
import dev.reach.shared.audit.SealedEvent;
import dev.reach.shared.audit.VerifyReport;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.job.EndReason;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The leader seals committed events after commit, in seq order, in batches: never past an event
 * whose transaction may still commit, never skipping one, holes of aborted transactions passed
 * over, one chain however writers interleave, and nothing at all under a stale epoch.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EventChainSealingTest {
  private StoreFixture f;
  private EventChainStore chain;

  @BeforeEach
  void open() {
    f = new StoreFixture();
    chain = new EventChainStore(f.db);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private EventSealer sealer(int batch) {
    return new EventSealer(f.vertx, chain, batch);
  }

  /** Passes until one seals nothing; the number sealed. */
  private int sealAll(EventSealer sealer, long epoch) {
    int total = 0;
    for (int i = 0; i < 10_000; i++) {
      int n = sealer.pass(epoch).await();
      if (n <= 0) {
        return total;
      }
      total += n;
    }
    throw new AssertionError("sealing did not settle");
  }

  private long events() {
    return f.count("SELECT count(*) FROM events");
  }

  private long sealedCount() {
    return f.count("SELECT count(*) FROM event_seals");
  }

  private void appendCommitted(String type) {
    f.sql("INSERT INTO events (type, payload) VALUES ($1, '{}'::jsonb)", type);
  }

  /** The whole log as an export, verified. */
  private VerifyReport verifyExport(UUID run) {
    ChainVerifier v = new ChainVerifier();
    EventChainStore.Head head = chain.head().await();
    v.line(ExportLines.header(0, run == null ? null : run.toString(), head == null ? null : head.toJson()).encode());
    long after = 0;
    long n = 0;
    long sealed = 0;
    while (true) {
      List<SealedEvent> page = chain.exportPage(after, 7, head == null ? 0 : head.seq(), run).await();
      for (SealedEvent e : page) {
        v.line(e.toJson().encode());
        after = e.seq();
        n++;
        sealed += e.sealed() ? 1 : 0;
      }
      if (page.size() < 7) {
        break;
      }
    }
    v.line(ExportLines.end(n, sealed).encode());
    return v.finish();
  }

  @Test
  void sealsAWorkloadInOrderAndTheExportVerifies() {
    UUID run = f.submit("{\"name\":\"r\",\"jobs\":[{\"name\":\"a\",\"command\":\"true\"},{\"name\":\"b\",\"command\":\"false\"}]}");
    List<Lease> leases = f.leases.claim(f.claim("r1", 1, 2)).await();
    for (Lease l : leases) {
      f.leases.started(UUID.fromString(l.jobId()), l.token(), 1L).await();
      f.leases.complete(new CompletionReport(l.jobId(), l.token(), "r1", l.jobName().equals("a") ? 0 : 1,
          EndReason.EXIT_CODE, null)).await();
    }
    EventSealer sealer = sealer(3); // small batches: several passes, each linking to the last
    assertThat(sealAll(sealer, f.epoch)).isEqualTo(events());
    assertThat(f.count("SELECT max(pos) FROM event_seals")).isEqualTo(events());
    // the seals follow seq order one by one
    assertThat(f.count("""
        SELECT count(*) FROM (SELECT pos, seq, lag(seq) OVER (ORDER BY pos) AS prev FROM event_seals) s
         WHERE s.prev IS NOT NULL AND s.prev >= s.seq""")).isZero();

    VerifyReport all = verifyExport(null);
    assertThat(all.ok()).as(all.describe()).isTrue();
    assertThat(all.sealed()).isEqualTo(events());
    assertThat(all.unsealed()).isZero();
    assertThat(all.jobs()).isEqualTo(2);

    // events after the head are exported unsealed, and still verify
    appendCommitted("probe");
    VerifyReport tail = verifyExport(null);
    assertThat(tail.ok()).as(tail.describe()).isTrue();
    assertThat(tail.unsealed()).isEqualTo(1);

    VerifyReport one = verifyExport(run);
    assertThat(one.ok()).as(one.describe()).isTrue();
    assertThat(one.runFilter()).isEqualTo(run.toString());
  }

  @Test
  void neverSealsPastAnEventWhoseTransactionMayStillCommit() {
    EventSealer sealer = sealer(100);
    appendCommitted("before");
    sealAll(sealer, f.epoch);
    long before = sealedCount();
    assertThat(before).isEqualTo(events());
    SqlConnection open = f.db.pool().getConnection().await();
    try {
      Transaction tx = open.begin().await();
      long held = open.preparedQuery("INSERT INTO events (type, payload) VALUES ('slow', '{}'::jsonb) RETURNING seq")
          .execute(Tuple.tuple()).await().iterator().next().getLong(0);
      appendCommitted("after-1"); // committed, with a higher seq than the open transaction's event
      appendCommitted("after-2");
      // nothing beyond the held seq is sealed, however many passes
      assertThat(sealAll(sealer, f.epoch)).isZero();
      assertThat(sealedCount()).isEqualTo(before);
      assertThat(f.count("SELECT max(seq) FROM event_seals")).isLessThan(held);

      tx.commit().await();
      sealAll(sealer, f.epoch);
      assertThat(sealedCount()).isEqualTo(events());
    } finally {
      open.close().await();
    }
    assertThat(verifyExport(null).ok()).isTrue();
  }

  @Test
  void holesOfAbortedTransactionsArePassedOver() {
    appendCommitted("one");
    SqlConnection c = f.db.pool().getConnection().await();
    try {
      Transaction tx = c.begin().await();
      c.preparedQuery("INSERT INTO events (type, payload) VALUES ('aborted', '{}'::jsonb)").execute(Tuple.tuple()).await();
      tx.rollback().await();
    } finally {
      c.close().await();
    }
    appendCommitted("three");
    sealAll(sealer(100), f.epoch);
    assertThat(sealedCount()).isEqualTo(events());
    assertThat(f.count("SELECT max(seq) - min(seq) + 1 - count(*) FROM event_seals")).as("the hole").isEqualTo(1);
    VerifyReport r = verifyExport(null);
    assertThat(r.ok()).as(r.describe()).isTrue();
  }

  @Test
  void concurrentWritersCommittingOutOfOrderMakeOneChainWithoutGapsOrForks() throws Exception {
    int writers = 6;
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<Integer>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int id = w;
      done.add(pool.submit(() -> {
        Random random = new Random(id);
        int committed = 0;
        for (int i = 0; i < 40; i++) {
          SqlConnection c = f.db.pool().getConnection().await();
          try {
            Transaction tx = c.begin().await();
            int rows = 1 + random.nextInt(3);
            for (int r = 0; r < rows; r++) {
              c.preparedQuery("INSERT INTO events (type, payload) VALUES ('w', $1::jsonb)")
                  .execute(Tuple.of(new io.vertx.core.json.JsonObject().put("writer", id).put("i", i).put("r", r)))
                  .await();
              Thread.sleep(random.nextInt(3)); // hold the seq while others commit theirs
            }
            if (random.nextInt(10) == 0) {
              tx.rollback().await();
            } else {
              tx.commit().await();
              committed += rows;
            }
          } finally {
            c.close().await();
          }
        }
        return committed;
      }));
    }
    // the leader seals all the while, in small batches
    EventSealer sealer = sealer(5);
    Thread leader = new Thread(() -> {
      while (!stop.get()) {
        sealer.pass(f.epoch).await();
      }
    });
    leader.start();
    long committed = 0;
    for (Future<Integer> d : done) {
      committed += d.get(90, TimeUnit.SECONDS);
    }
    stop.set(true);
    leader.join(30_000);
    pool.shutdown();
    sealAll(sealer, f.epoch);

    assertThat(f.count("SELECT count(*) FROM events WHERE type = 'w'")).isEqualTo(committed);
    assertThat(sealedCount()).as("every committed event sealed").isEqualTo(events());
    assertThat(f.count("SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM event_seals s WHERE s.seq = e.seq)"))
        .isZero();
    assertThat(f.count("SELECT max(pos) - count(*) FROM event_seals")).as("positions dense").isZero();
    List<Long> bySeq = new ArrayList<>();
    for (Row r : f.db.pool().query("SELECT seq FROM event_seals ORDER BY pos").execute().await()) {
      bySeq.add(r.getLong(0));
    }
    List<Long> sorted = new ArrayList<>(bySeq);
    Collections.sort(sorted);
    assertThat(bySeq).as("chain order is seq order").isEqualTo(sorted);
    VerifyReport r = verifyExport(null);
    assertThat(r.ok()).as(r.describe()).isTrue();
    assertThat(r.sealed()).isEqualTo(events());
  }

  @Test
  void aDeposedLeaderSealsNothing() {
    appendCommitted("a");
    appendCommitted("b");
    long stale = f.epoch;
    long current = f.leader.take("node-b", 0).await().epoch();
    EventSealer deposed = sealer(100);
    assertThat(deposed.pass(stale).await()).isEqualTo(-1);
    assertThat(sealedCount()).isZero();
    // the current leader seals them, under its epoch
    assertThat(sealAll(sealer(100), current)).isEqualTo(events());
    assertThat(f.count("SELECT count(*) FROM event_seals WHERE epoch <> $1", current)).isZero();
    // and the deposed one, waking up again, still adds nothing
    appendCommitted("c");
    assertThat(deposed.pass(stale).await()).isEqualTo(-1);
    assertThat(sealedCount()).isEqualTo(events() - 1);
  }
}
