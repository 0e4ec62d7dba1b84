package dev.reach.orchestrator.store;

import dev.reach.shared.db.Db;
import dev.reach.shared.db.SqlFile;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.spec.JobSpec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/**
 * Dead letters: quarantined jobs with their spec and attempts. A requeue submits a new run with
 * the job's spec, its run's environment and its run's own secrets, that points to the quarantined job;
 * nothing of the old run changes.
 */
public final class DeadLetterStore {
  private static final SqlFile SQL = SqlFile.load("sql/dead_letters.sql");

  /** A requeue: the new run and the dead letter it retries. */
  public record Requeued(UUID runId, UUID requeueOf, UUID requeueOfRun) {}

  private final Db db;
  private final RunStore runs;

  public DeadLetterStore(Db db, RunStore runs) {
    this.db = db;
    this.runs = runs;
  }

  public Future<JsonArray> list(int limit) {
    return db.query(SQL.get("list"), Tuple.of(limit)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        out.add(new JsonObject()
            .put("job_id", r.getUUID("job_id").toString())
            .put("run_id", r.getUUID("run_id").toString())
            .put("job_name", r.getString("job_name"))
            .put("quarantined_at", r.getOffsetDateTime("quarantined_at").toString())
            .put("reason", r.getString("reason"))
            .put("lost_attempts", r.getInteger("lost_attempts"))
            .put("requeued_runs", new JsonArray(List.of((Object[]) r.getArrayOfStrings("requeued_runs")))));
      }
      return out;
    });
  }

  /** The dead letter, or a failed future with {@code DEAD_LETTER_NOT_FOUND}. */
  public Future<JsonObject> get(UUID jobId) {
    return fetch(jobId).map(Row::toJson).map(r -> json(r.getValue("dead_letter")));
  }

  public Future<Requeued> requeue(UUID jobId) {
    return requeue(jobId, "anonymous", null);
  }

  /** A requeue that {@code actor} asked for, for {@code reason} (nullable); both go into its event. */
  public Future<Requeued> requeue(UUID jobId, String actor, String reason) {
    return fetch(jobId).compose(row -> {
      JsonObject letter = json(row.getValue("dead_letter"));
      JobSpec job = JobSpec.fromJson(letter.getJsonObject("spec"));
      String name = "requeue of " + row.getString("run_name") + "/" + job.name();
      UUID oldRun = UUID.fromString(letter.getString("run_id"));
      // the job runs again as it ran: in its run's environment, with its run's own secrets
      return runs.carriedOver(oldRun, name.length() > 200 ? name.substring(0, 200) : name, List.of(job))
          .compose(spec -> runs.submit(spec, null, new RunStore.Requeue(jobId, actor, reason)))
          .map(s -> new Requeued(s.id(), jobId, oldRun));
    });
  }

  private Future<Row> fetch(UUID jobId) {
    return db.query(SQL.get("get"), Tuple.of(jobId)).map(rows -> {
      if (rows.size() == 0) {
        throw new ReachException(ErrorCode.DEAD_LETTER_NOT_FOUND, "no dead letter for job " + jobId, "job_id");
      }
      return rows.iterator().next();
    });
  }

  private static JsonObject json(Object v) {
    return v instanceof JsonObject o ? o : new JsonObject(String.valueOf(v));
  }
}
