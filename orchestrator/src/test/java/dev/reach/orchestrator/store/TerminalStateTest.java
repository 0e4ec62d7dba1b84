package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.bus.CompletionOutcome;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.db.Sql;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.job.EndReason;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Invariant 2, second half: no API call can change a terminal state. Jobs are driven to each
 * terminal state through the stores, then every mutating store call is tried against them; the
 * rows and the event log must stay exactly as they were. The trigger refuses direct SQL too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TerminalStateTest {
  private StoreFixture f;
  private DbSnapshots snap;

  /** A job driven to a terminal state; token is the last lease's token (null if it was never leased). */
  private record Case(String label, String state, UUID runId, UUID jobId, Long token, String runner) {}

  /** Every outcome a runner could report for an attempt (exit code and reason). */
  private record Outcome(Integer exitCode, EndReason reason) {}

  private static final List<Outcome> OUTCOMES = List.of(
      new Outcome(0, EndReason.EXIT_CODE),
      new Outcome(3, EndReason.EXIT_CODE),
      new Outcome(1, EndReason.EXIT_CODE),
      new Outcome(137, EndReason.EXIT_CODE),
      new Outcome(null, EndReason.TIMEOUT),
      new Outcome(null, EndReason.CANCELLED),
      new Outcome(null, EndReason.LEASE_EXPIRED),
      new Outcome(null, EndReason.RUNNER_RESTARTED),
      new Outcome(null, EndReason.INTERRUPTED),
      new Outcome(null, EndReason.SELF_FENCED),
      new Outcome(null, EndReason.LEASE_NOT_RECEIVED),
      new Outcome(null, EndReason.SPAWN_FAILED),
      new Outcome(null, EndReason.LOST_TOO_OFTEN),
      new Outcome(null, EndReason.MEMORY_LIMIT_EXCEEDED),
      new Outcome(0, EndReason.ARTIFACT_TOO_LARGE),
      new Outcome(0, EndReason.TOO_MANY_ARTIFACTS));

  @BeforeEach
  void open() {
    f = new StoreFixture();
    snap = new DbSnapshots(f);
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void noStoreCallChangesATerminalJob() {
    List<Case> cases = driveToEveryTerminalState();

    // what each terminal job, its attempts, its run and the whole event log look like now
    Map<UUID, String> jobs = new LinkedHashMap<>();
    Map<UUID, List<String>> attempts = new LinkedHashMap<>();
    Map<UUID, String> runs = new LinkedHashMap<>();
    Map<UUID, String> runStates = new LinkedHashMap<>();
    for (Case c : cases) {
      jobs.put(c.jobId(), snap.job(c.jobId()));
      attempts.put(c.jobId(), snap.attempts(c.jobId()));
      runs.put(c.runId(), snap.run(c.runId()));
      runStates.put(c.runId(), f.runs.state(c.runId()).await());
    }
    List<String> events = snap.events();

    for (Case c : cases) {
      // complete with the job's own last token: a repeat of the recorded outcome is a duplicate, anything else is stale
      if (c.token() != null) {
        Row attempt = f.sql("SELECT exit_code, reason FROM attempts WHERE token = $1", c.token());
        for (Outcome o : OUTCOMES) {
          boolean sameAsRecorded = Objects.equals(o.exitCode(), attempt.getInteger("exit_code"))
              && o.reason().wire().equals(attempt.getString("reason"));
          CompletionReport report = report(c, c.token(), o);
          if (sameAsRecorded) {
            assertThat(f.leases.complete(report).await())
                .as("%s: repeat of the recorded outcome %s", c.label(), o)
                .isEqualTo(new LeaseStore.Completion(CompletionOutcome.ALREADY_ACCEPTED, null));
          } else {
            assertStale(c.label() + ": complete " + o, () -> f.leases.complete(report).await());
          }
        }
      }
      // complete with a token that is not this job's (another job's, a future one, none at all)
      for (long token : foreignTokens(c, cases)) {
        for (Outcome o : OUTCOMES) {
          assertStale(c.label() + ": complete with token " + token, () -> f.leases.complete(report(c, token, o)).await());
        }
      }
      // started, with the old token or any other
      for (long token : tokensToTry(c, cases)) {
        assertStale(c.label() + ": started " + token,
            () -> f.leases.started(c.jobId(), token, System.currentTimeMillis()).await());
      }
      // a heartbeat from the job's runner holding the token renews and releases nothing
      if (c.token() != null) {
        LeaseStore.Renewal renewal =
            f.leases.heartbeat(new Heartbeat(c.runner(), c.runner() + "-inc", 4, List.of(), 1_000, List.of(c.token()))).await();
        assertThat(renewal.renewed()).as(c.label() + ": renewed").isEmpty();
        assertThat(renewal.released()).as(c.label() + ": released").isEmpty();
      }
      // cancelling the (finished) run again cancels nothing and leaves the run as it was
      RunStore.Cancelled again = f.runs.cancel(c.runId()).await();
      assertThat(again.cancelledJobs()).as(c.label() + ": cancelled_jobs").isZero();
      assertThat(again.killTokens()).as(c.label() + ": kill tokens").isEmpty();
      assertThat(f.runs.state(c.runId()).await()).isEqualTo(runStates.get(c.runId()));
    }

    // the reaper, long after every lease would have run out, finds nothing
    f.now.advance(Duration.ofDays(400));
    assertThat(f.leases.reapExpired(10_000, f.epoch).await()).isEmpty();
    // a claim never re-leases a terminal job, whoever asks
    for (Case c : cases) {
      assertThat(f.leases.claim(new ClaimRequest(c.runner(), c.runner() + "-inc", 99, 100, List.of())).await()).isEmpty();
    }
    assertThat(f.leases.claim(new ClaimRequest("fresh", "fresh-inc", 1, 100, List.of("a", "b"))).await()).isEmpty();

    for (Case c : cases) {
      assertThat(snap.job(c.jobId())).as(c.label() + ": job row").isEqualTo(jobs.get(c.jobId()));
      assertThat(snap.attempts(c.jobId())).as(c.label() + ": attempt rows").isEqualTo(attempts.get(c.jobId()));
      assertThat(snap.run(c.runId())).as(c.label() + ": run row").isEqualTo(runs.get(c.runId()));
      assertThat(f.runs.state(c.runId()).await()).as(c.label() + ": run state").isEqualTo(runStates.get(c.runId()));
      assertThat(f.sql("SELECT state::text FROM jobs WHERE id = $1", c.jobId()).getString(0)).isEqualTo(c.state());
    }
    assertThat(snap.events()).as("event log").isEqualTo(events);
  }

  @Test
  void theTriggerRefusesDirectSqlOnTerminalJobsAndIllegalMoves() {
    List<Case> cases = driveToEveryTerminalState();
    UUID run = f.submit("{\"name\":\"q\",\"jobs\":[{\"name\":\"q\",\"command\":\"true\"}]}");
    UUID queued = f.sql("SELECT id FROM jobs WHERE run_id = $1", run).getUUID(0);
    List<String> events = snap.events();
    for (Case c : cases) {
      String before = snap.job(c.jobId());
      assertRt001(c.label() + " -> QUEUED", () -> f.sql("UPDATE jobs SET state = 'QUEUED' WHERE id = $1", c.jobId()));
      assertRt001(c.label() + " -> RUNNING", () -> f.sql(
          "UPDATE jobs SET state = 'RUNNING', lease_expires_at = now() + interval '1 hour' WHERE id = $1", c.jobId()));
      String other = c.state().equals("SUCCEEDED") ? "FAILED" : "SUCCEEDED";
      assertRt001(c.label() + " -> " + other,
          () -> f.sql("UPDATE jobs SET state = $2::job_state WHERE id = $1", c.jobId(), other));
      // not even a change that keeps the state
      assertRt001(c.label() + " same state", () -> f.sql("UPDATE jobs SET state = state WHERE id = $1", c.jobId()));
      assertRt001(c.label() + " exit code", () -> f.sql("UPDATE jobs SET exit_code = 42, reason = 'x' WHERE id = $1", c.jobId()));
      assertThat(snap.job(c.jobId())).as(c.label()).isEqualTo(before);
    }

    // an illegal move between non-terminal states: QUEUED -> RUNNING skips the lease
    String before = snap.job(queued);
    assertRt001("QUEUED -> RUNNING", () -> f.sql(
        "UPDATE jobs SET state = 'RUNNING', lease_token = 1, runner_id = 'r', lease_expires_at = now() WHERE id = $1", queued));
    assertRt001("QUEUED -> SUCCEEDED", () -> f.sql("UPDATE jobs SET state = 'SUCCEEDED' WHERE id = $1", queued));
    assertRt001("QUEUED -> QUARANTINED", () -> f.sql("UPDATE jobs SET state = 'QUARANTINED' WHERE id = $1", queued));
    assertThat(snap.job(queued)).isEqualTo(before);
    // and the stores report the rule as ILLEGAL_TRANSITION when it fires through Db
    Throwable viaDb = catchThrowable(() -> f.db.query(
        new Sql("test", "requeue", "UPDATE jobs SET state = 'QUEUED' WHERE id = $1"), Tuple.of(cases.get(0).jobId())).await());
    assertThat(viaDb).isInstanceOf(ReachException.class);
    assertThat(((ReachException) viaDb).code()).isEqualTo(ErrorCode.ILLEGAL_TRANSITION);

    assertThat(snap.events()).isEqualTo(events);
  }

  /** One job per run in each terminal state, each reached the way production reaches it. */
  private List<Case> driveToEveryTerminalState() {
    List<Case> cases = new ArrayList<>();

    UUID sRun = f.submit(one("ok", 1, 3));
    Lease s = claimOnly("rs");
    f.leases.started(id(s), s.token(), 1L).await();
    assertThat(f.leases.complete(report("rs", s, 0, EndReason.EXIT_CODE)).await().newState()).isEqualTo("SUCCEEDED");
    cases.add(new Case("succeeded", "SUCCEEDED", sRun, id(s), s.token(), "rs"));

    UUID fRun = f.submit(one("bad", 1, 3));
    Lease fl = claimOnly("rf");
    f.leases.started(id(fl), fl.token(), 1L).await();
    assertThat(f.leases.complete(report("rf", fl, 3, EndReason.EXIT_CODE)).await().newState()).isEqualTo("FAILED");
    cases.add(new Case("failed", "FAILED", fRun, id(fl), fl.token(), "rf"));

    UUID cRun = f.submit(one("cancelled-running", 1, 3));
    Lease c = claimOnly("rc");
    f.leases.started(id(c), c.token(), 1L).await();
    RunStore.Cancelled cancelled = f.runs.cancel(cRun).await();
    assertThat(cancelled.cancelledJobs()).isEqualTo(1);
    assertThat(cancelled.killTokens()).containsExactly(c.token());
    cases.add(new Case("cancelled while running", "CANCELLED", cRun, id(c), c.token(), "rc"));

    UUID qRun = f.submit(one("poison", 1, 1));
    Lease q = claimOnly("rq");
    f.leases.started(id(q), q.token(), 1L).await();
    f.now.advance(Duration.ofMillis(StoreFixture.TTL_MS + 1));
    assertThat(f.leases.reapExpired(100, f.epoch).await()).extracting(LeaseStore.Expired::newState).containsExactly("QUARANTINED");
    cases.add(new Case("quarantined", "QUARANTINED", qRun, id(q), q.token(), "rq"));

    UUID cqRun = f.submit(one("cancelled-queued", 1, 3));
    assertThat(f.runs.cancel(cqRun).await().cancelledJobs()).isEqualTo(1);
    UUID cqJob = f.sql("SELECT id FROM jobs WHERE run_id = $1", cqRun).getUUID(0);
    cases.add(new Case("cancelled while queued", "CANCELLED", cqRun, cqJob, null, "rcq"));

    for (Case k : cases) {
      assertThat(f.sql("SELECT state::text FROM jobs WHERE id = $1", k.jobId()).getString(0)).isEqualTo(k.state());
    }
    assertThat(f.count("SELECT count(*) FROM jobs WHERE state IN ('QUEUED', 'LEASED', 'RUNNING')")).isZero();
    return cases;
  }

  private static String one(String name, int maxAttempts, int maxLost) {
    return "{\"name\":\"" + name + "\",\"jobs\":[{\"name\":\"" + name + "\",\"command\":\"x\",\"max_attempts\":"
        + maxAttempts + ",\"max_lost_attempts\":" + maxLost + "}]}";
  }

  private Lease claimOnly(String runner) {
    List<Lease> leases = f.leases.claim(new ClaimRequest(runner, runner + "-inc", 1, 10, List.of())).await();
    assertThat(leases).hasSize(1);
    return leases.get(0);
  }

  private static UUID id(Lease l) {
    return UUID.fromString(l.jobId());
  }

  private static CompletionReport report(String runner, Lease l, Integer exit, EndReason reason) {
    return new CompletionReport(l.jobId(), l.token(), runner, exit, reason, null);
  }

  private static CompletionReport report(Case c, long token, Outcome o) {
    return new CompletionReport(c.jobId().toString(), token, c.runner(), o.exitCode(), o.reason(), null);
  }

  /** Tokens that never belonged to this job: the other jobs' tokens, one no lease has had yet, zero and -1. */
  private static List<Long> foreignTokens(Case c, List<Case> cases) {
    List<Long> out = new ArrayList<>();
    long max = 0;
    for (Case o : cases) {
      if (o.token() != null) {
        max = Math.max(max, o.token());
        if (!o.jobId().equals(c.jobId())) {
          out.add(o.token());
        }
      }
    }
    out.add(max + 1);
    out.add(0L);
    out.add(-1L);
    return out;
  }

  private static List<Long> tokensToTry(Case c, List<Case> cases) {
    List<Long> out = new ArrayList<>(foreignTokens(c, cases));
    if (c.token() != null) {
      out.add(0, c.token());
    }
    return out;
  }

  private static void assertStale(String what, ThrowingCallable call) {
    Throwable t = catchThrowable(call);
    assertThat(t).as(what).isInstanceOf(ReachException.class);
    ReachException e = (ReachException) t;
    assertThat(e.code()).as(what + ": " + e.getMessage()).isEqualTo(ErrorCode.STALE_LEASE);
    assertThat(e.getMessage()).as(what).endsWith("nothing changed");
  }

  private static void assertRt001(String what, ThrowingCallable call) {
    Throwable t = catchThrowable(call);
    assertThat(t).as(what).isInstanceOf(PgException.class);
    assertThat(((PgException) t).getSqlState()).as(what + ": " + t.getMessage()).isEqualTo("RT001");
  }
}
