package dev.reach.orchestrator.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.job.EndReason;
import dev.reach.shared.spec.JobSpec;
import dev.reach.shared.spec.RunSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Invariant 3, replay side: after a submit / claim / start / complete cycle, the events carry what a
 * replay needs — the full spec, the token, runner and incarnation, the exit code and reason — and
 * folding them rebuilds the job rows.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventReplayPayloadTest {
  private static final String SPEC = """
      {"name": "release", "jobs": [
        {"name": "build", "command": "make all", "env": {"B": "2", "A": "1"}, "timeout_seconds": 120,
         "max_attempts": 2, "max_lost_attempts": 4, "labels": ["linux", "x86"], "artifacts": ["out/app.bin"]},
        {"name": "lint", "command": "make lint", "labels": ["linux"]}
      ]}""";

  private StoreFixture f;

  /** One event as stored. */
  private record Event(long seq, String type, UUID runId, UUID jobId, Long token, JsonObject payload) {}

  @BeforeEach
  void open() {
    f = new StoreFixture();
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void eventsCarryEverythingAReplayNeeds() {
    RunSpec spec = RunSpec.parse(new JsonObject(SPEC));
    UUID runId = f.runs.submit(spec, "idem-1").await().id();
    Map<String, UUID> jobIds = new java.util.HashMap<>();
    for (Row r : f.db.pool().preparedQuery("SELECT name, id FROM jobs WHERE run_id = $1").execute(Tuple.of(runId)).await()) {
      jobIds.put(r.getString("name"), r.getUUID("id"));
    }

    OffsetDateTime claimedAt = f.now.now();
    List<Lease> leases = f.leases.claim(new ClaimRequest("runner-a", "inc-7", 42, 2, List.of("linux", "x86"))).await();
    assertThat(leases).hasSize(2);
    Map<String, Lease> byName = leases.stream().collect(Collectors.toMap(Lease::jobName, Function.identity()));
    Lease build = byName.get("build");
    Lease lint = byName.get("lint");
    f.now.advance(Duration.ofSeconds(1));
    f.leases.started(UUID.fromString(build.jobId()), build.token(), 1_767_268_801_000L).await();
    f.leases.started(UUID.fromString(lint.jobId()), lint.token(), 1_767_268_801_500L).await();
    f.now.advance(Duration.ofSeconds(5));
    JsonObject log = new JsonObject().put("size", 1234).put("sha256", "ab".repeat(32)).put("truncated", false);
    f.leases.complete(new CompletionReport(build.jobId(), build.token(), "runner-a", 0, EndReason.EXIT_CODE, log)).await();
    f.leases.complete(new CompletionReport(lint.jobId(), lint.token(), "runner-a", null, EndReason.TIMEOUT, null)).await();

    List<Event> events = events();
    assertThat(events).extracting(Event::type).containsOnly("run_submitted", "job_leased", "job_started", "attempt_completed");

    // run_submitted: the full, normalised spec of every job, with the job ids it was stored under
    List<Event> submitted = ofType(events, "run_submitted");
    assertThat(submitted).hasSize(1);
    Event sub = submitted.get(0);
    assertThat(sub.runId()).isEqualTo(runId);
    assertThat(sub.payload().getString("run_id")).isEqualTo(runId.toString());
    assertThat(sub.payload().getString("name")).isEqualTo("release");
    assertThat(sub.payload().getString("idempotency_key")).isEqualTo("idem-1");
    assertThat(sub.payload().getString("fingerprint")).isEqualTo(spec.fingerprint());
    JsonArray jobs = sub.payload().getJsonArray("jobs");
    assertThat(jobs).hasSize(2);
    for (int i = 0; i < jobs.size(); i++) {
      JsonObject entry = jobs.getJsonObject(i);
      JobSpec stored = JobSpec.fromJson(entry.getJsonObject("spec"));
      JobSpec submittedSpec = spec.jobs().stream().filter(j -> j.name().equals(stored.name())).findFirst().orElseThrow();
      assertThat(stored).isEqualTo(submittedSpec);
      assertThat(entry.getJsonObject("spec")).isEqualTo(submittedSpec.toJson());
      assertThat(entry.getString("job_id")).isEqualTo(jobIds.get(stored.name()).toString());
    }
    // the jobs' order in the event is the submission order
    assertThat(jobs.stream().map(o -> ((JsonObject) o).getJsonObject("spec").getString("name")).toList())
        .containsExactly("build", "lint");
    // a replay of the spec rebuilds the run's fingerprint
    RunSpec replayed = new RunSpec(sub.payload().getString("name"),
        jobs.stream().map(o -> JobSpec.fromJson(((JsonObject) o).getJsonObject("spec"))).toList());
    assertThat(replayed.fingerprint()).isEqualTo(sub.payload().getString("fingerprint"));

    for (Lease l : leases) {
      UUID job = UUID.fromString(l.jobId());
      List<Event> mine = events.stream().filter(e -> job.equals(e.jobId())).toList();
      assertThat(mine).extracting(Event::type).containsExactly("job_leased", "job_started", "attempt_completed");
      assertThat(mine).allSatisfy(e -> {
        assertThat(e.runId()).isEqualTo(runId);
        assertThat(e.token()).isEqualTo(l.token());
        assertThat(e.payload().getString("job_id")).isEqualTo(l.jobId());
        assertThat(e.payload().getLong("token")).isEqualTo(l.token());
        assertThat(e.payload().getInteger("attempt")).isEqualTo(1);
      });

      JsonObject leased = mine.get(0).payload();
      assertThat(leased.getString("runner_id")).isEqualTo("runner-a");
      assertThat(leased.getString("incarnation")).isEqualTo("inc-7");
      assertThat(leased.getString("claim_request")).isEqualTo("inc-7:42");
      assertThat(leased.getLong("claim_seq")).isEqualTo(42L);
      assertThat(OffsetDateTime.parse(leased.getString("lease_expires_at")).toInstant())
          .isEqualTo(claimedAt.plus(Duration.ofMillis(StoreFixture.TTL_MS)).toInstant());

      JsonObject started = mine.get(1).payload();
      assertThat(started.getLong("spawned_at_ms")).isEqualTo(l == build ? 1_767_268_801_000L : 1_767_268_801_500L);
    }

    JsonObject buildDone = ofJob(events, build, "attempt_completed").payload();
    assertThat(buildDone.getInteger("exit_code")).isZero();
    assertThat(buildDone.getString("reason")).isEqualTo("exit_code");
    assertThat(buildDone.getString("attempt_state")).isEqualTo("SUCCEEDED");
    assertThat(buildDone.getString("to")).isEqualTo("SUCCEEDED");
    assertThat(buildDone.getJsonObject("log")).isEqualTo(log);

    JsonObject lintDone = ofJob(events, lint, "attempt_completed").payload();
    assertThat(lintDone.containsKey("exit_code")).isTrue();
    assertThat(lintDone.getValue("exit_code")).isNull();
    assertThat(lintDone.getString("reason")).isEqualTo("timeout");
    assertThat(lintDone.getString("attempt_state")).isEqualTo("FAILED");
    assertThat(lintDone.getString("to")).isEqualTo("FAILED");

    // folding the events rebuilds the projection's columns for each job
    for (Lease l : leases) {
      UUID job = UUID.fromString(l.jobId());
      JsonObject rebuilt = replay(events, job);
      Row row = f.sql("""
          SELECT state::text, attempt, lease_token, runner_id, incarnation, exit_code, reason, name, spec,
                 labels, max_attempts, max_lost_attempts, run_id
            FROM jobs WHERE id = $1""", job);
      assertThat(rebuilt.getString("state")).isEqualTo(row.getString("state"));
      assertThat(rebuilt.getInteger("attempt")).isEqualTo(row.getInteger("attempt"));
      assertThat(rebuilt.getLong("lease_token")).isEqualTo(row.getLong("lease_token"));
      assertThat(rebuilt.getString("runner_id")).isEqualTo(row.getString("runner_id"));
      assertThat(rebuilt.getString("incarnation")).isEqualTo(row.getString("incarnation"));
      assertThat(rebuilt.getInteger("exit_code")).isEqualTo(row.getInteger("exit_code"));
      assertThat(rebuilt.getString("reason")).isEqualTo(row.getString("reason"));
      assertThat(rebuilt.getString("run_id")).isEqualTo(row.getUUID("run_id").toString());
      JsonObject storedSpec = asJson(row.getValue("spec"));
      assertThat(rebuilt.getJsonObject("spec")).isEqualTo(storedSpec);
      assertThat(storedSpec.getString("name")).isEqualTo(row.getString("name"));
      assertThat(storedSpec.getJsonArray("labels").getList()).containsExactly((Object[]) row.getArrayOfStrings("labels"));
      assertThat(storedSpec.getInteger("max_attempts")).isEqualTo(row.getInteger("max_attempts"));
      assertThat(storedSpec.getInteger("max_lost_attempts")).isEqualTo(row.getInteger("max_lost_attempts"));
    }
  }

  /** A minimal fold over one job's events: what a replay would rebuild. */
  private static JsonObject replay(List<Event> events, UUID job) {
    JsonObject s = new JsonObject();
    for (Event e : events) {
      switch (e.type()) {
        case "run_submitted" -> {
          for (Object o : e.payload().getJsonArray("jobs")) {
            JsonObject entry = (JsonObject) o;
            if (entry.getString("job_id").equals(job.toString())) {
              s.put("run_id", e.payload().getString("run_id")).put("spec", entry.getJsonObject("spec"))
                  .put("state", "QUEUED").put("attempt", 0);
            }
          }
        }
        case "job_leased" -> {
          if (job.equals(e.jobId())) {
            s.put("state", "LEASED").put("attempt", e.payload().getInteger("attempt"))
                .put("lease_token", e.payload().getLong("token")).put("runner_id", e.payload().getString("runner_id"))
                .put("incarnation", e.payload().getString("incarnation"));
          }
        }
        case "job_started" -> {
          if (job.equals(e.jobId())) {
            s.put("state", "RUNNING");
          }
        }
        case "attempt_completed" -> {
          if (job.equals(e.jobId())) {
            s.put("state", e.payload().getString("to")).put("exit_code", e.payload().getInteger("exit_code"))
                .put("reason", e.payload().getString("reason"));
          }
        }
        default -> throw new AssertionError("unexpected event " + e);
      }
    }
    return s;
  }

  private List<Event> events() {
    List<Event> out = new ArrayList<>();
    for (Row r : f.db.pool().query("SELECT seq, type, run_id, job_id, token, payload FROM events WHERE type <> 'leader_elected' ORDER BY seq").execute().await()) {
      out.add(new Event(r.getLong("seq"), r.getString("type"), r.getUUID("run_id"), r.getUUID("job_id"),
          r.getLong("token"), asJson(r.getValue("payload"))));
    }
    out.sort(Comparator.comparingLong(Event::seq));
    return out;
  }

  private static JsonObject asJson(Object v) {
    return v instanceof JsonObject o ? o : new JsonObject(String.valueOf(v));
  }

  private static List<Event> ofType(List<Event> events, String type) {
    return events.stream().filter(e -> e.type().equals(type)).toList();
  }

  private static Event ofJob(List<Event> events, Lease l, String type) {
    List<Event> found = events.stream()
        .filter(e -> e.type().equals(type) && l.jobId().equals(String.valueOf(e.jobId()))).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }
}
