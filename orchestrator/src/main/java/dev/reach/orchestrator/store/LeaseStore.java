package dev.reach.orchestrator.store;

import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.bus.CompletionOutcome;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.Lease;
import dev.reach.orchestrator.secrets.LeaseSecrets;
import dev.reach.orchestrator.secrets.SecretCipher;
import dev.reach.shared.db.Db;
import dev.reach.shared.db.SqlFile;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.job.EndReason;
import dev.reach.shared.spec.JobSpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * The lease protocol in Postgres: claim, heartbeat, start, complete and expiry. Every transition
 * is one statement guarded by the expected state and the lease token (see {@code sql/jobs.sql});
 * zero rows changed becomes a typed answer, never a silent success.
 */
public final class LeaseStore {
  private static final SqlFile SQL = SqlFile.load("sql/jobs.sql");

  /** The outcome of a heartbeat: tokens renewed and tokens released as never received. */
  public record Renewal(List<Long> renewed, List<Long> released) {}

  /** The answer to a completion, and the job's state after it when this delivery changed it. */
  public record Completion(CompletionOutcome outcome, String newState) {}

  /** One attempt the reaper ended. */
  public record Expired(UUID jobId, String newState, long token) {}

  private final Db db;
  private final DbNow now;
  private final long ttlMs;
  private final LeaseEvents events;
  private final LeaseSecrets secrets;

  public LeaseStore(Db db, DbNow now, long ttlMs) {
    this(db, now, ttlMs, LeaseEvents.NONE);
  }

  public LeaseStore(Db db, DbNow now, long ttlMs, LeaseEvents events) {
    this(db, now, ttlMs, events, new SecretCipher(null));
  }

  /** {@code cipher} opens the secrets granted leases carry (without a key, secrets are unavailable). */
  public LeaseStore(Db db, DbNow now, long ttlMs, LeaseEvents events, SecretCipher cipher) {
    this.db = db;
    this.now = now;
    this.ttlMs = ttlMs;
    this.events = events;
    this.secrets = new LeaseSecrets(db, cipher);
  }

  public long ttlMs() {
    return ttlMs;
  }

  public Future<List<Lease>> claim(ClaimRequest req) {
    if (req.slots() <= 0) {
      return Future.succeededFuture(List.of());
    }
    Tuple params = Tuple.tuple()
        .addString(req.requestId()).addString(req.runnerId()).addString(req.incarnation()).addLong(req.claimSeq())
        .addArrayOfString(req.labels().toArray(String[]::new)).addInteger(req.slots()).addLong(ttlMs)
        .addOffsetDateTime(now.now());
    return db.query(SQL.get("claim"), params).map(rows -> {
      List<Lease> leases = new ArrayList<>(rows.size());
      int granted = 0;
      for (Row r : rows) {
        if (r.getBoolean("granted")) {
          granted++;
        }
        Object spec = r.getValue("spec");
        JsonObject specJson = spec instanceof JsonObject o ? o : new JsonObject(String.valueOf(spec));
        leases.add(new Lease(
            r.getUUID("id").toString(), r.getUUID("run_id").toString(), r.getString("name"),
            r.getInteger("attempt"), r.getLong("lease_token"), JobSpec.fromJson(specJson)));
      }
      events.granted(granted);
      return leases;
    }).compose(secrets::attach);
  }

  public Future<Renewal> heartbeat(Heartbeat hb) {
    Tuple params = Tuple.tuple()
        .addString(hb.runnerId()).addString(hb.incarnation())
        .addArrayOfLong(hb.heldTokens().toArray(Long[]::new)).addLong(ttlMs).addOffsetDateTime(now.now())
        .addInteger(hb.slots()).addArrayOfString(hb.labels().toArray(String[]::new)).addLong(hb.settledClaimSeq());
    return db.query(SQL.get("heartbeat"), params).map(rows -> {
      List<Long> renewed = new ArrayList<>();
      List<Long> released = new ArrayList<>();
      for (Row r : rows) {
        (r.getBoolean("released") ? released : renewed).add(r.getLong("lease_token"));
      }
      events.renewed(renewed.size());
      return new Renewal(renewed, released);
    });
  }

  /** Commits {@code LEASED -> RUNNING}; a repeated report is a no-op; a token that is not current is stale. */
  public Future<Void> started(UUID jobId, long token, long spawnedAtMs) {
    return db.query(SQL.get("started"), Tuple.of(jobId, token, spawnedAtMs, now.now())).compose(rows -> {
      if (rows.size() == 0) {
        throw new ReachException(ErrorCode.JOB_NOT_FOUND, "no job with id " + jobId);
      }
      Row r = rows.iterator().next();
      if (r.getLong("moved") == 1) {
        return Future.<Void>succeededFuture();
      }
      checkGeneration(jobId, token, r.getLong("generation"));
      if ("RUNNING".equals(r.getString("state")) && Objects.equals(r.getLong("lease_token"), token)) {
        return Future.<Void>succeededFuture(); // duplicate delivery
      }
      // the statement read the job as of its start; a concurrent delivery may have committed meanwhile
      return db.query(SQL.get("report_recheck"), Tuple.of(jobId, token)).map(fresh -> {
        Row f = fresh.iterator().next();
        if ("RUNNING".equals(f.getString("job_state_before")) && Objects.equals(f.getLong("lease_token"), token)) {
          return null;
        }
        throw stale(jobId, token, f.getString("job_state_before"));
      });
    });
  }

  public Future<Completion> complete(CompletionReport report) {
    UUID jobId = parseJobId(report.jobId());
    String kind = report.reason().kind().name().toLowerCase(Locale.ROOT);
    Tuple params = Tuple.tuple()
        .addUUID(jobId).addLong(report.token()).addInteger(report.exitCode()).addString(report.reason().wire())
        .addString(kind).addOffsetDateTime(now.now()).addValue(report.log());
    return db.query(SQL.get("complete"), params).compose(rows -> {
      Row first = rows.iterator().next();
      if (first.getString("new_state") != null) {
        return Future.succeededFuture(new Completion(CompletionOutcome.ACCEPTED, first.getString("new_state")));
      }
      checkGeneration(jobId, report.token(), first.getLong("generation"));
      if (isDuplicate(first, report)) {
        return Future.succeededFuture(new Completion(CompletionOutcome.ALREADY_ACCEPTED, null));
      }
      // the statement read the attempt as of its start; a concurrent delivery may have committed meanwhile
      return db.query(SQL.get("report_recheck"), Tuple.of(jobId, report.token())).map(fresh -> decide(fresh.iterator().next(), report, jobId));
    });
  }

  private static boolean isDuplicate(Row r, CompletionReport report) {
    String attemptState = r.getString("attempt_state");
    return attemptState != null
        && !attemptState.equals("LEASED") && !attemptState.equals("RUNNING")
        && Objects.equals(r.getInteger("exit_code"), report.exitCode())
        && report.reason().wire().equals(r.getString("reason"));
  }

  private static Completion decide(Row r, CompletionReport report, UUID jobId) {
    if (isDuplicate(r, report)) {
      return new Completion(CompletionOutcome.ALREADY_ACCEPTED, null);
    }
    if (r.getString("job_state_before") == null) {
      throw new ReachException(ErrorCode.JOB_NOT_FOUND, "no job with id " + jobId);
    }
    throw stale(jobId, report.token(), r.getString("job_state_before"));
  }

  /**
   * Leader only: ends attempts whose lease ran out on the database clock. Changes nothing unless
   * {@code epoch} is the current leadership epoch.
   */
  public Future<List<Expired>> reapExpired(int limit, long epoch) {
    return db.query(SQL.get("reap_expired"), Tuple.of(now.now(), limit, EndReason.LEASE_EXPIRED.wire(), epoch))
        .map(LeaseStore::expired)
        .andThen(ar -> {
          if (ar.succeeded()) {
            events.expired(EndReason.LEASE_EXPIRED.wire(), ar.result().size());
          }
        });
  }

  /** A runner restarted: its leases held by other incarnations are lost now (reason runner_restarted). */
  public Future<List<Expired>> expireOtherIncarnations(String runnerId, String incarnation) {
    return db.query(SQL.get("expire_other_incarnations"), Tuple.of(runnerId, incarnation, now.now()))
        .map(LeaseStore::expired)
        .andThen(ar -> {
          if (ar.succeeded()) {
            events.expired(EndReason.RUNNER_RESTARTED.wire(), ar.result().size());
          }
        });
  }

  private static List<Expired> expired(RowSet<Row> rows) {
    List<Expired> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(new Expired(r.getUUID("id"), r.getString("state"), r.getLong("lease_token")));
    }
    return out;
  }

  /** The generation a lease token was granted in (its high bits; see V009__db_generation.sql). */
  public static long generationOf(long token) {
    return token >> GENERATION_SHIFT;
  }

  /** Bits of a lease token below its database generation. */
  public static final int GENERATION_SHIFT = 40;

  /**
   * Fail-closed: a token of an earlier database generation never matches, whatever its state
   * ({@code STALE_GENERATION}); a token of no generation there ever was (negative, or later than the
   * current one) was never granted and goes on to the usual {@code STALE_LEASE} answer (the statement
   * matched nothing).
   */
  private static void checkGeneration(UUID jobId, long token, Long current) {
    long g = generationOf(token);
    if (current == null || (g >= 0 && g < current)) {
      throw new ReachException(
          ErrorCode.STALE_GENERATION,
          "lease token " + token + " was granted in database generation " + generationOf(token)
              + " but the database is at generation " + current + " (it was restored); nothing changed",
          "token");
    }
  }

  private static ReachException stale(UUID jobId, long token, String state) {
    return new ReachException(
        ErrorCode.STALE_LEASE,
        "lease token " + token + " is not current for job " + jobId + " (job is " + state + "); nothing changed",
        "token");
  }

  static UUID parseJobId(String s) {
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      throw new ReachException(ErrorCode.MALFORMED_MESSAGE, "job_id is not a UUID", "job_id");
    }
  }
}
