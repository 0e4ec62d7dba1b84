package dev.reach.orchestrator.store;

import dev.reach.orchestrator.secrets.SealedSecret;
import dev.reach.orchestrator.secrets.SecretCipher;
import dev.reach.orchestrator.secrets.SecretScope;
import dev.reach.orchestrator.secrets.SecretUnavailableException;
import dev.reach.shared.db.Db;
import dev.reach.shared.db.SqlFile;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.job.RunState;
import dev.reach.shared.spec.JobSpec;
import dev.reach.shared.spec.RunSpec;
import dev.reach.shared.spec.SecretValues;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Runs in Postgres: submission (idempotent by key), reads in the API shape, cancellation. */
public final class RunStore {
  private static final SqlFile SQL = SqlFile.load("sql/runs.sql");
  private static final SqlFile SECRETS_SQL = SqlFile.load("sql/secrets.sql");

  /** The outcome of a submission: the run's id and whether this call created it. */
  public record Submitted(UUID id, boolean created) {}

  /** A dead-letter requeue: the quarantined job, the actor who asked and the reason (nullable). */
  public record Requeue(UUID jobId, String actor, String reason) {}

  /** The outcome of a cancel: the run's id, how many jobs it cancelled and which leases to kill. */
  public record Cancelled(UUID id, long cancelledJobs, List<Long> killTokens) {}

  private final Db db;
  private final DbNow now;
  private final SecretCipher cipher;

  /** A store without a secrets key: submissions carrying secrets are refused. */
  public RunStore(Db db, DbNow now) {
    this(db, now, new SecretCipher(null));
  }

  public RunStore(Db db, DbNow now, SecretCipher cipher) {
    this.db = db;
    this.now = now;
    this.cipher = cipher;
  }

  public Future<Submitted> submit(RunSpec spec, String idempotencyKey) {
    return submit(spec, idempotencyKey, null, null);
  }

  public Future<Submitted> submit(RunSpec spec, String idempotencyKey, Requeue requeue) {
    return submit(spec, idempotencyKey, requeue, null);
  }

  /**
   * A submission; {@code requeue} (nullable) is the dead-letter requeue it carries out: the
   * quarantined job it retries, who asked and why (recorded in the {@code dead_letter_requeued} event);
   * {@code submittedBy} (nullable: auth off) is the id of the token it was submitted with, who may cancel it.
   */
  public Future<Submitted> submit(RunSpec spec, String idempotencyKey, Requeue requeue, UUID submittedBy) {
    UUID requeueOf = requeue == null ? null : requeue.jobId();
    UUID runId = UUID.randomUUID();
    JsonArray sealed;
    try {
      sealed = seal(runId, spec.secrets());
    } catch (ReachException e) {
      return Future.failedFuture(e);
    }
    JsonArray jobs = new JsonArray();
    for (JobSpec job : spec.jobs()) {
      jobs.add(new JsonObject().put("job_id", UUID.randomUUID().toString()).put("spec", job.toJson()));
    }
    String fingerprint = spec.fingerprint();
    Tuple params = Tuple.tuple()
        .addUUID(runId).addString(spec.name()).addString(idempotencyKey).addString(fingerprint)
        .addValue(jobs).addOffsetDateTime(now.now()).addUUID(requeueOf)
        .addString(requeue == null ? null : requeue.actor()).addString(requeue == null ? null : requeue.reason())
        .addUUID(submittedBy)
        .addValue(sealed).addString(spec.environment());
    return db.query(SQL.get("insert_run"), params).compose(rows -> {
      if (rows.size() == 1) {
        return Future.succeededFuture(new Submitted(rows.iterator().next().getUUID("id"), true));
      }
      return db.query(SQL.get("run_by_idempotency_key"), Tuple.of(idempotencyKey)).map(existing -> {
        if (existing.size() == 0) {
          // the key's run vanished between the two statements: runs are never deleted, so this is a bug
          throw new ReachException(ErrorCode.INTERNAL, "idempotency key conflict without a run");
        }
        Row row = existing.iterator().next();
        if (!fingerprint.equals(row.getString("fingerprint"))) {
          throw new ReachException(
              ErrorCode.IDEMPOTENCY_KEY_REUSED,
              "Idempotency-Key was already used for a different request body (run " + row.getUUID("id") + ")",
              "Idempotency-Key");
        }
        return new Submitted(row.getUUID("id"), false);
      });
    });
  }

  /**
   * A new run of {@code jobs} named {@code name} in {@code runId}'s environment with {@code runId}'s own
   * secrets, opened here to be sealed to the new run by {@link #submit} (a ciphertext is bound to its run
   * and would not open under another): what a dead-letter requeue submits. A secret that does not open
   * with the configured key fails it with {@code SECRETS_NOT_CONFIGURED} naming the secret — a requeue
   * that would run the job without it is refused, and the dead letter stays.
   */
  public Future<RunSpec> carriedOver(UUID runId, String name, List<JobSpec> jobs) {
    return db.query(SECRETS_SQL.get("of_run"), Tuple.of(runId)).map(rows -> {
      String environment = RunSpec.DEFAULT_ENVIRONMENT;
      Map<String, String> values = new TreeMap<>();
      for (Row r : rows) {
        environment = r.getString("environment");
        Integer purged = r.getInteger("purged_secrets");
        if (purged != null && purged > 0) {
          throw new ReachException(ErrorCode.SECRETS_NOT_CONFIGURED, "the run's own secrets (" + purged + ") were purged"
              + " with its logs and artifacts by retention (REACH_RETENTION_MS): the requeue would run the job without"
              + " them; submit the job again with its secrets", "secrets");
        }
        if (r.getString("name") == null) {
          continue;
        }
        SealedSecret sealed = SealedSecret.fromRow(r);
        try {
          values.put(sealed.name(), cipher.open(SecretScope.run(runId), sealed));
        } catch (SecretUnavailableException e) {
          throw new ReachException(ErrorCode.SECRETS_NOT_CONFIGURED, e.getMessage() + ": the requeue would run the job"
              + " without it; configure the key it was sealed with and requeue again", "secrets");
        }
      }
      return new RunSpec(name, jobs, environment, SecretValues.of(values, "secrets"));
    });
  }

  /** The run's secrets sealed to it (its id is the associated data); nothing without a key. */
  private JsonArray seal(UUID runId, SecretValues secrets) {
    JsonArray out = new JsonArray();
    if (secrets.isEmpty()) {
      return out;
    }
    cipher.requireKey("secrets");
    Base64.Encoder b64 = Base64.getEncoder();
    secrets.asMap().forEach((name, value) -> {
      SealedSecret s = cipher.seal(SecretScope.run(runId), name, value);
      out.add(new JsonObject().put("name", name).put("key_id", s.keyId())
          .put("nonce", b64.encodeToString(s.nonce())).put("ciphertext", b64.encodeToString(s.ciphertext())));
    });
    return out;
  }

  /** The run in the API shape, or a failed future with {@code RUN_NOT_FOUND}. */
  public Future<JsonObject> get(UUID runId) {
    return db.query(SQL.get("get_run"), Tuple.of(runId)).map(rows -> {
      if (rows.size() == 0) {
        throw new ReachException(ErrorCode.RUN_NOT_FOUND, "no run with id " + runId);
      }
      Object run = rows.iterator().next().getValue("run");
      return run instanceof JsonObject o ? o : new JsonObject(String.valueOf(run));
    });
  }

  public Future<JsonArray> list(RunState state, int limit) {
    return db.query(SQL.get("list_runs"), Tuple.of(state == null ? null : state.name(), limit)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject()
            .put("id", r.getUUID("id").toString())
            .put("name", r.getString("name"))
            .put("state", r.getString("state"))
            .put("created_at", r.getOffsetDateTime("created_at").toString())
            .put("jobs", r.getInteger("job_count")));
      }
      return out;
    });
  }

  /**
   * The id of the token {@code runId} was submitted with; empty when it was submitted with auth off;
   * fails {@code RUN_NOT_FOUND} for an unknown run.
   */
  public Future<java.util.Optional<UUID>> submitter(UUID runId) {
    return db.query(SQL.get("run_submitter"), Tuple.of(runId)).map(rows -> {
      if (rows.size() == 0) {
        throw new ReachException(ErrorCode.RUN_NOT_FOUND, "no run with id " + runId);
      }
      return java.util.Optional.ofNullable(rows.iterator().next().getUUID("token_id"));
    });
  }

  public Future<Cancelled> cancel(UUID runId) {
    return db.query(SQL.get("cancel_run"), Tuple.of(runId, now.now())).map(rows -> {
      if (rows.size() == 0) {
        throw new ReachException(ErrorCode.RUN_NOT_FOUND, "no run with id " + runId);
      }
      Row r = rows.iterator().next();
      List<Long> tokens = new ArrayList<>();
      for (Long t : r.getArrayOfLongs("killed")) {
        tokens.add(t);
      }
      return new Cancelled(runId, r.getLong("cancelled_jobs"), tokens);
    });
  }

  public Future<String> state(UUID runId) {
    return db.query(SQL.get("run_state"), Tuple.of(runId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("state"));
  }
}
