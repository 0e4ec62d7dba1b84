package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.spec.RunSpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Invariant 4, submission side: one idempotency key, one run. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SubmissionIdempotencyTest {
  private static final String SPEC =
      "{\"name\":\"build\",\"jobs\":[{\"name\":\"compile\",\"command\":\"make\",\"env\":{\"A\":\"1\"}},"
          + "{\"name\":\"test\",\"command\":\"make test\",\"labels\":[\"linux\"]}]}";
  private StoreFixture f;
  private DbSnapshots snap;

  @BeforeEach
  void open() {
    f = new StoreFixture();
    snap = new DbSnapshots(f);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private static RunSpec spec(String json) {
    return RunSpec.parse(new JsonObject(json));
  }

  @Test
  void theSameKeyAndSpecReturnTheSameRun() {
    RunStore.Submitted first = f.runs.submit(spec(SPEC), "key-1").await();
    assertThat(first.created()).isTrue();
    String run = snap.run(first.id());
    List<String> jobs = snap.texts("SELECT to_jsonb(j)::text FROM jobs j ORDER BY name");
    List<String> events = snap.events();

    // the same request again, and the same spec written differently (key order, explicit defaults)
    RunStore.Submitted again = f.runs.submit(spec(SPEC), "key-1").await();
    RunStore.Submitted reordered = f.runs.submit(spec(
        "{\"jobs\":[{\"command\":\"make\",\"name\":\"compile\",\"env\":{\"A\":\"1\"},\"max_attempts\":1},"
            + "{\"labels\":[\"linux\"],\"name\":\"test\",\"command\":\"make test\"}],\"name\":\"build\"}"), "key-1").await();
    assertThat(again).isEqualTo(new RunStore.Submitted(first.id(), false));
    assertThat(reordered).isEqualTo(new RunStore.Submitted(first.id(), false));

    assertThat(f.count("SELECT count(*) FROM runs")).isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM jobs")).isEqualTo(2);
    assertThat(f.count("SELECT count(*) FROM events WHERE type = 'run_submitted'")).isEqualTo(1);
    assertThat(snap.run(first.id())).isEqualTo(run);
    assertThat(snap.texts("SELECT to_jsonb(j)::text FROM jobs j ORDER BY name")).isEqualTo(jobs);
    assertThat(snap.events()).isEqualTo(events);
  }

  @Test
  void theSameKeyWithAnotherSpecIsRefused() {
    RunStore.Submitted first = f.runs.submit(spec(SPEC), "key-2").await();
    String run = snap.run(first.id());
    List<String> events = snap.events();

    for (String other : List.of(
        SPEC.replace("make test", "make check"), // a different command
        SPEC.replace("\"A\":\"1\"", "\"A\":\"2\""), // a different env value
        SPEC.replace("\"build\"", "\"build2\""), // a different run name
        "{\"name\":\"build\",\"jobs\":[{\"name\":\"compile\",\"command\":\"make\",\"env\":{\"A\":\"1\"}}]}")) { // a job fewer
      Throwable t = catchThrowable(() -> f.runs.submit(spec(other), "key-2").await());
      assertThat(t).as(other).isInstanceOf(ReachException.class);
      ReachException e = (ReachException) t;
      assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENCY_KEY_REUSED);
      assertThat(e.field()).isEqualTo("Idempotency-Key");
      assertThat(e.getMessage()).contains(first.id().toString()).doesNotContain("make");
    }
    assertThat(f.count("SELECT count(*) FROM runs")).isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM jobs")).isEqualTo(2);
    assertThat(snap.run(first.id())).isEqualTo(run);
    assertThat(snap.events()).isEqualTo(events);

    // another key, or no key at all, makes new runs
    assertThat(f.runs.submit(spec(SPEC), "key-3").await().created()).isTrue();
    assertThat(f.runs.submit(spec(SPEC), null).await().created()).isTrue();
    assertThat(f.runs.submit(spec(SPEC), null).await().created()).isTrue();
    assertThat(f.count("SELECT count(*) FROM runs")).isEqualTo(4);
  }

  @Test
  void concurrentSubmissionsWithOneKeyMakeOneRun() {
    List<Future<RunStore.Submitted>> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      all.add(f.runs.submit(spec(SPEC), "key-concurrent"));
    }
    Future.all(all).await();
    List<RunStore.Submitted> results = all.stream().map(Future::result).toList();
    UUID id = results.get(0).id();
    assertThat(results).extracting(RunStore.Submitted::id).containsOnly(id);
    assertThat(results).filteredOn(RunStore.Submitted::created).hasSize(1);

    assertThat(f.count("SELECT count(*) FROM runs")).isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM runs WHERE id = $1 AND idempotency_key = 'key-concurrent'", id)).isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM jobs")).isEqualTo(2);
    assertThat(f.count("SELECT count(*) FROM jobs WHERE run_id = $1", id)).isEqualTo(2);
    assertThat(f.count("SELECT count(*) FROM events WHERE type <> 'leader_elected'")).isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM events WHERE type = 'run_submitted' AND run_id = $1", id)).isEqualTo(1);
  }
}
