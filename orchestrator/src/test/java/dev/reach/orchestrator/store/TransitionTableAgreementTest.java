package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reach.shared.job.JobState;
import dev.reach.shared.job.Transitions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Java transition table ({@link Transitions}) and the database rule (the {@code job_transitions}
 * table and the {@code jobs_transition_guard} trigger) must not drift apart.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransitionTableAgreementTest {
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
  void theDatabaseEnumHasTheJavaStatesInOrder() {
    List<String> db = new ArrayList<>();
    for (Row r : f.db.pool().query("SELECT unnest(enum_range(NULL::job_state))::text").execute().await()) {
      db.add(r.getString(0));
    }
    assertThat(db).containsExactly(Arrays.stream(JobState.values()).map(Enum::name).toArray(String[]::new));
  }

  @Test
  void jobTransitionsHoldsExactlyThePairsJavaAllows() {
    Set<String> db = new TreeSet<>();
    for (Row r : f.db.pool().query("SELECT from_state::text, to_state::text FROM job_transitions").execute().await()) {
      db.add(r.getString(0) + "->" + r.getString(1));
    }
    Set<String> java = new TreeSet<>();
    for (JobState from : JobState.values()) {
      for (JobState to : JobState.values()) {
        String pair = from + "->" + to;
        if (Transitions.isLegal(from, to)) {
          java.add(pair);
        }
        assertThat(db.contains(pair)).as(pair + " legal in the database vs Transitions.isLegal").isEqualTo(Transitions.isLegal(from, to));
      }
      assertThat(Transitions.from(from)).allSatisfy(to -> assertThat(Transitions.isLegal(from, to)).isTrue());
    }
    assertThat(db).isEqualTo(java);
    // no way out of a terminal state on either side
    for (JobState s : JobState.values()) {
      if (s.isTerminal()) {
        assertThat(Transitions.from(s)).as(s.name()).isEmpty();
      }
    }
  }

  /**
   * The rule as it actually fires: for every (from, to) pair a job is put in {@code from} (by
   * insert, which the trigger does not guard) and updated to {@code to}. Legal moves commit;
   * illegal ones and any change to a terminal job fail with RT001.
   */
  @Test
  void theTriggerEnforcesExactlyTheJavaTable() {
    UUID run = UUID.randomUUID();
    f.sql("INSERT INTO runs (id, name, fingerprint, job_count) VALUES ($1, 't', 'fp', 49)", run);
    Set<String> refused = new HashSet<>();
    Set<String> expectedRefused = new HashSet<>();
    long token = 1_000;
    for (JobState from : JobState.values()) {
      for (JobState to : JobState.values()) {
        String pair = from + "->" + to;
        UUID job = UUID.randomUUID();
        boolean leased = from.isLeased();
        f.sql("""
            INSERT INTO jobs (id, run_id, name, spec, state, attempt, lease_token, runner_id, incarnation,
                              lease_expires_at, max_attempts, max_lost_attempts)
            VALUES ($1, $2, $3, '{}'::jsonb, $4::job_state, 1, $5, 'r', 'r-inc',
                    CASE WHEN $6 THEN now() + interval '1 hour' END, 1, 1)""",
            job, run, pair, from.name(), token++, leased);
        Throwable t = catchThrowable(() -> f.sql("""
            UPDATE jobs
               SET state = $2::job_state,
                   lease_expires_at = CASE WHEN $2::job_state IN ('LEASED', 'RUNNING') THEN now() + interval '1 hour' END
             WHERE id = $1""", job, to.name()));
        boolean allowed = Transitions.isLegal(from, to) || (from == to && !from.isTerminal());
        if (!allowed) {
          expectedRefused.add(pair);
        }
        if (t == null) {
          assertThat(f.sql("SELECT state::text FROM jobs WHERE id = $1", job).getString(0)).as(pair).isEqualTo(to.name());
        } else {
          assertThat(t).as(pair).isInstanceOf(PgException.class);
          assertThat(((PgException) t).getSqlState()).as(pair + ": " + t.getMessage()).isEqualTo("RT001");
          assertThat(f.sql("SELECT state::text FROM jobs WHERE id = $1", job).getString(0)).as(pair).isEqualTo(from.name());
          refused.add(pair);
        }
      }
    }
    assertThat(refused).isEqualTo(expectedRefused);
  }
}
