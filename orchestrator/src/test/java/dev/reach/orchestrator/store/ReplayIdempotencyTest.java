package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Invariant 4, replay side: applying an event that was already applied is a no-op. The log of a
 * mixed workload is folded once; then every event is applied twice in a row from scratch, and the
 * whole log is applied again over the result — the projection is identical each time (and equal to
 * the live tables). Resubmission with the same Idempotency-Key: {@link SubmissionIdempotencyTest}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplayIdempotencyTest {
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
  void replayingTheLogTwiceGivesTheSameProjection() {
    new MixedWorkload(f).run();
    long events = f.count("SELECT count(*) FROM events");

    f.sql("SELECT reach_replay.reset()");
    assertThat(f.count("SELECT reach_replay.catch_up()")).isEqualTo(events);
    Map<String, List<String>> once = ProjectionRows.replayed(f);
    assertThat(once).isEqualTo(ProjectionRows.live(f));

    // caught up: nothing left to apply, nothing changes
    assertThat(f.count("SELECT reach_replay.catch_up()")).isZero();
    assertThat(ProjectionRows.replayed(f)).isEqualTo(once);

    // the whole log applied again over the folded projection
    f.sql("""
        DO $$
        DECLARE e events;
        BEGIN
          FOR e IN SELECT * FROM events ORDER BY seq LOOP
            PERFORM reach_replay.apply_event(e);
          END LOOP;
        END $$""");
    assertThat(ProjectionRows.replayed(f)).isEqualTo(once);

    // from scratch, every event applied twice in a row
    f.sql("SELECT reach_replay.reset()");
    f.sql("""
        DO $$
        DECLARE e events;
        BEGIN
          FOR e IN SELECT * FROM events ORDER BY seq LOOP
            PERFORM reach_replay.apply_event(e);
            PERFORM reach_replay.apply_event(e);
          END LOOP;
        END $$""");
    assertThat(ProjectionRows.replayed(f)).isEqualTo(once);
  }

  @Test
  void anEventVisibleLateIsAppliedByTheNextCatchUp() {
    new MixedWorkload(f).run();
    // as if the last event's transaction had not committed when the replay passed it: it is pending
    long last = f.count("SELECT max(seq) FROM events");
    f.sql("SELECT reach_replay.reset()");
    f.sql("""
        DO $$
        DECLARE e events;
        BEGIN
          FOR e IN SELECT * FROM events WHERE seq < (SELECT max(seq) FROM events) ORDER BY seq LOOP
            PERFORM reach_replay.apply_event(e);
          END LOOP;
        END $$""");
    f.sql("UPDATE reach_replay.progress SET applied_through = $1", last);
    f.sql("INSERT INTO reach_replay.pending (seq) VALUES ($1)", last);

    assertThat(f.count("SELECT reach_replay.catch_up()")).isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM reach_replay.pending")).isZero();
    assertThat(ProjectionRows.replayed(f)).isEqualTo(ProjectionRows.live(f));
  }
}
