package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.job.EndReason;
import dev.reach.shared.spec.RunSpec;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rebuilds run again and again while runners claim, start and complete jobs: the transitions keep
 * committing during each replay's unheld phase (so each rebuild has events to catch up on under the
 * lock), yet no reader ever sees a job move backwards, every rebuild finds the projection equal to
 * the replay, and at the end every acknowledged completion is in place.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProjectionSwapConcurrencyTest {
  private static final int RUNS = 30;
  private static final int JOBS_PER_RUN = 8;
  private static final int WORKERS = 4;
  private static final Map<String, Integer> RANK = Map.of("QUEUED", 0, "LEASED", 1, "RUNNING", 2, "SUCCEEDED", 3);

  private StoreFixture f;

  @BeforeEach
  void open() {
    f = new StoreFixture();
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void transitionsConcurrentWithTheSwapNeverMoveBackwards() throws Exception {
    for (int r = 0; r < RUNS; r++) {
      StringBuilder jobs = new StringBuilder();
      for (int j = 0; j < JOBS_PER_RUN; j++) {
        jobs.append(j == 0 ? "" : ",").append("{\"name\":\"j").append(j).append("\",\"command\":\"true\"}");
      }
      f.runs.submit(RunSpec.parse(new JsonObject("{\"name\":\"load-" + r + "\",\"jobs\":[" + jobs + "]}")), null).await();
    }
    ProjectionRebuild rebuild = new ProjectionRebuild(f.db, ProjectionRebuild.Settings.DEFAULTS);
    ExecutorService pool = Executors.newFixedThreadPool(WORKERS + 1);
    AtomicBoolean done = new AtomicBoolean();
    Map<UUID, Integer> seen = new ConcurrentHashMap<>();
    List<String> backwards = new CopyOnWriteArrayList<>();
    Map<UUID, String> acknowledged = new ConcurrentHashMap<>();
    AtomicLong claims = new AtomicLong();
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      String runner = "runner-" + w;
      workers.add(pool.submit(() -> {
        while (true) {
          List<Lease> leases = f.leases.claim(new ClaimRequest(runner, runner + "-inc", claims.incrementAndGet(), 2, List.of()))
              .await();
          if (leases.isEmpty()) {
            return null;
          }
          for (Lease l : leases) {
            f.leases.started(UUID.fromString(l.jobId()), l.token(), 1_767_268_800_000L).await();
          }
          for (Lease l : leases) {
            String state = f.leases.complete(new CompletionReport(l.jobId(), l.token(), runner, 0, EndReason.EXIT_CODE, null))
                .await().newState();
            acknowledged.put(UUID.fromString(l.jobId()), state);
          }
        }
      }));
    }
    Future<?> reader = pool.submit(() -> {
      while (!done.get()) {
        for (Row r : f.db.pool().query("SELECT id, state::text AS state FROM jobs").execute().await()) {
          int rank = RANK.get(r.getString("state"));
          Integer before = seen.put(r.getUUID("id"), rank);
          if (before != null && before > rank) {
            backwards.add(r.getUUID("id") + " went from rank " + before + " to " + r.getString("state"));
          }
        }
      }
      return null;
    });

    List<ProjectionReport> reports = new ArrayList<>();
    while (workers.stream().anyMatch(w -> !w.isDone())) {
      reports.add(rebuild.run(false, "token:test", "swap under load").await());
    }
    for (Future<?> w : workers) {
      w.get();
    }
    done.set(true);
    reader.get();
    pool.shutdown();

    assertThat(backwards).isEmpty();
    assertThat(reports).isNotEmpty();
    assertThat(reports).allSatisfy(r -> assertThat(r.total()).as(r.toJson().encodePrettily()).isZero());
    // transitions committed between the unheld replay and the lock, and were caught up under it
    assertThat(reports.stream().mapToLong(ProjectionReport::replayedWhileHeld).max().orElse(0)).isPositive();
    assertThat(acknowledged).hasSize(RUNS * JOBS_PER_RUN).allSatisfy((job, state) -> assertThat(state).isEqualTo("SUCCEEDED"));
    assertThat(f.count("SELECT count(*) FROM jobs WHERE state = 'SUCCEEDED'")).isEqualTo(RUNS * JOBS_PER_RUN);
    ProjectionReport last = rebuild.run(true, "token:test", "after the load").await();
    assertThat(last.total()).isZero();
    assertThat(ProjectionRows.replayed(f)).isEqualTo(ProjectionRows.live(f));
  }
}
