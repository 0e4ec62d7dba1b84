package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.bus.CompletionOutcome;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.job.EndReason;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eight runners claim 400 queued jobs at the same time through the pool: every job is leased exactly
 * once, with its own token, and (in the second variant) completed exactly once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrentClaimTest {
  private static final int RUNS = 8;
  private static final int JOBS_PER_RUN = 50;
  private static final int TOTAL = RUNS * JOBS_PER_RUN;
  private static final int CLAIMERS = 8;

  private StoreFixture f;

  /** One granted lease and who got it from which claim. */
  private record Grant(String runner, long claimSeq, int slots, Lease lease) {}

  /** Shared between the claim loops; they run on event-loop threads, so everything is concurrent. */
  private final Queue<Grant> grants = new ConcurrentLinkedQueue<>();
  private final Queue<CompletionOutcome> outcomes = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger claims = new AtomicInteger();

  @BeforeEach
  void open() {
    f = new StoreFixture();
    for (int r = 0; r < RUNS; r++) {
      JsonArray jobs = new JsonArray();
      for (int j = 0; j < JOBS_PER_RUN; j++) {
        jobs.add(new JsonObject().put("name", "job-" + j).put("command", "true"));
      }
      f.submit(new JsonObject().put("name", "run-" + r).put("jobs", jobs).encode());
    }
    assertThat(f.count("SELECT count(*) FROM jobs WHERE state = 'QUEUED'")).isEqualTo(TOTAL);
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void concurrentClaimersLeaseEveryJobExactlyOnce() {
    runClaimers(false);

    List<Grant> all = new ArrayList<>(grants);
    assertThat(maxInFlight.get()).as("claims really were in flight together").isGreaterThan(1);
    assertThat(all).as("total leases").hasSize(TOTAL);
    assertThat(all.stream().map(g -> g.lease().jobId()).distinct().count()).as("distinct jobs leased").isEqualTo(TOTAL);
    assertThat(all.stream().map(g -> g.lease().token()).distinct().count()).as("distinct tokens").isEqualTo(TOTAL);
    assertNoClaimExceededItsSlots(all);

    // the database agrees with what the claimers were told
    assertThat(f.count("SELECT count(*) FROM jobs WHERE state <> 'LEASED'")).isZero();
    assertThat(f.count("SELECT count(*) FROM attempts")).isEqualTo(TOTAL);
    assertThat(f.count("SELECT count(*) FROM attempts WHERE number <> 1")).isZero();
    assertThat(f.count("SELECT count(DISTINCT token) FROM attempts")).isEqualTo(TOTAL);
    assertThat(f.count("SELECT count(DISTINCT job_id) FROM attempts")).isEqualTo(TOTAL);
    assertThat(f.count("SELECT count(*) FROM events WHERE type = 'job_leased'")).isEqualTo(TOTAL);
    assertThat(f.count("SELECT count(DISTINCT job_id) FROM events WHERE type = 'job_leased'")).isEqualTo(TOTAL);

    Map<UUID, Row> jobs = new HashMap<>();
    for (Row r : f.db.pool().query("SELECT id, lease_token, runner_id, incarnation, attempt FROM jobs").execute().await()) {
      jobs.put(r.getUUID("id"), r);
    }
    for (Grant g : all) {
      Row job = jobs.get(UUID.fromString(g.lease().jobId()));
      assertThat(job.getLong("lease_token")).isEqualTo(g.lease().token());
      assertThat(job.getString("runner_id")).isEqualTo(g.runner());
      assertThat(job.getString("incarnation")).isEqualTo(g.runner() + "-inc");
      assertThat(job.getInteger("attempt")).isEqualTo(1);
      assertThat(g.lease().attempt()).isEqualTo(1);
    }
    // each attempt row belongs to the claim that returned it
    Map<Long, String> claimOfToken = new HashMap<>();
    for (Row r : f.db.pool().query("SELECT token, claim_request, runner_id FROM attempts").execute().await()) {
      claimOfToken.put(r.getLong("token"), r.getString("runner_id") + "|" + r.getString("claim_request"));
    }
    for (Grant g : all) {
      assertThat(claimOfToken.get(g.lease().token()))
          .isEqualTo(g.runner() + "|" + g.runner() + "-inc:" + g.claimSeq());
    }
  }

  @Test
  void concurrentClaimersThatCompleteWhatTheyGetRunEveryJobExactlyOnce() {
    runClaimers(true);

    List<Grant> all = new ArrayList<>(grants);
    assertThat(maxInFlight.get()).isGreaterThan(1);
    assertThat(all).hasSize(TOTAL);
    assertThat(all.stream().map(g -> g.lease().jobId()).distinct().count()).isEqualTo(TOTAL);
    assertThat(all.stream().map(g -> g.lease().token()).distinct().count()).isEqualTo(TOTAL);
    assertNoClaimExceededItsSlots(all);
    assertThat(outcomes).hasSize(TOTAL).containsOnly(CompletionOutcome.ACCEPTED);

    assertThat(f.count("SELECT count(*) FROM jobs WHERE state = 'SUCCEEDED' AND exit_code = 0")).isEqualTo(TOTAL);
    assertThat(f.count("SELECT count(*) FROM jobs WHERE state <> 'SUCCEEDED'")).isZero();
    assertThat(f.count("SELECT count(*) FROM attempts")).isEqualTo(TOTAL);
    assertThat(f.count("SELECT count(*) FROM attempts WHERE number <> 1 OR state <> 'SUCCEEDED'")).isZero();
    assertThat(f.count("SELECT count(DISTINCT token) FROM attempts")).isEqualTo(TOTAL);
    // exactly one attempt_completed event per job, carrying that job's one token
    assertThat(f.count("SELECT count(*) FROM events WHERE type = 'attempt_completed'")).isEqualTo(TOTAL);
    assertThat(f.count("""
        SELECT count(*) FROM (
          SELECT e.job_id FROM events e JOIN jobs j ON j.id = e.job_id AND j.lease_token = e.token
           WHERE e.type = 'attempt_completed' GROUP BY e.job_id HAVING count(*) = 1) once""")).isEqualTo(TOTAL);
    assertThat(f.count("SELECT count(*) FROM events WHERE type = 'job_leased'")).isEqualTo(TOTAL);
    assertThat(f.count("SELECT count(*) FROM run_states WHERE state = 'SUCCEEDED'")).isEqualTo(RUNS);
  }

  /** Starts all claim loops at once and waits until every one of them saw no queued job left. */
  private void runClaimers(boolean complete) {
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < CLAIMERS; i++) {
      loops.add(claimLoop("runner-" + i, i, new AtomicLong(), complete));
    }
    try {
      Future.all(loops).await(90, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("claimers did not finish", e);
    }
    assertThat(f.count("SELECT count(*) FROM jobs WHERE state = 'QUEUED'")).isZero();
    assertThat(claims.get()).as("claims issued").isGreaterThanOrEqualTo(TOTAL / 5);
  }

  /** Claims (slots cycling 1..5, a fresh claim seq each time) until a claim finds nothing and no job is queued. */
  private Future<Void> claimLoop(String runner, int offset, AtomicLong seq, boolean complete) {
    long claimSeq = seq.incrementAndGet();
    int slots = (int) ((claimSeq + offset) % 5) + 1;
    ClaimRequest req = new ClaimRequest(runner, runner + "-inc", claimSeq, slots, List.of());
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    claims.incrementAndGet();
    return f.leases.claim(req).eventually(() -> {
      inFlight.decrementAndGet();
      return Future.succeededFuture();
    }).compose(leases -> {
      leases.forEach(l -> grants.add(new Grant(runner, claimSeq, slots, l)));
      if (leases.isEmpty()) {
        // nothing granted: either all work is gone, or the rest is locked by other claimers right now
        return queued().compose(n -> n == 0 ? Future.<Void>succeededFuture() : claimLoop(runner, offset, seq, complete));
      }
      if (!complete) {
        return claimLoop(runner, offset, seq, complete);
      }
      List<Future<?>> done = new ArrayList<>();
      for (Lease l : leases) {
        done.add(f.leases.complete(new CompletionReport(l.jobId(), l.token(), runner, 0, EndReason.EXIT_CODE, null))
            .map(c -> {
              outcomes.add(c.outcome());
              return c;
            }));
      }
      return Future.all(done).compose(x -> claimLoop(runner, offset, seq, complete));
    });
  }

  private Future<Long> queued() {
    return f.db.pool().preparedQuery("SELECT count(*) FROM jobs WHERE state = 'QUEUED'").execute(Tuple.tuple())
        .map(rows -> rows.iterator().next().getLong(0));
  }

  private static void assertNoClaimExceededItsSlots(List<Grant> all) {
    Map<String, List<Grant>> byClaim =
        all.stream().collect(Collectors.groupingBy(g -> g.runner() + ":" + g.claimSeq()));
    Set<String> over = new HashSet<>();
    byClaim.forEach((k, v) -> {
      if (v.size() > v.get(0).slots()) {
        over.add(k);
      }
    });
    assertThat(over).as("claims that got more leases than slots").isEmpty();
  }
}
