package dev.reach.orchestrator.store;

import dev.reach.shared.db.Db;
import dev.reach.shared.db.SqlFile;
import dev.reach.shared.error.DbErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Rebuilds runs, jobs, attempts and dead_letters from the events (see {@code sql/projections.sql}
 * and migration V006). On one connection, one rebuild at a time in the cluster: (1) the replay
 * from the first event into the reach_replay tables, transitions going on meanwhile; (2) one
 * transaction that locks the live tables against writers, replays the events that came since,
 * compares row by row and — unless it is a dry run — writes every differing row, then appends an
 * event naming the actor and the reason. Transitions are held back only for step 2.
 */
public final class ProjectionRebuild {
  private static final SqlFile SQL = SqlFile.load("sql/projections.sql");
  /** The advisory lock key of rebuilds ("REACHPRJ"). */
  static final long LOCK_KEY = 0x5245414348505250L;
  /** How many differing rows a report lists (the counts cover all of them). */
  public static final int MAX_LISTED = 100;
  private static final List<String> SWAP = List.of(
      "swap_guards_off", "swap_dead_letter_guard_off", "swap_insert_runs", "swap_insert_jobs", "swap_update_jobs",
      "swap_update_runs", "swap_insert_attempts", "swap_update_attempts", "swap_delete_dead_letters",
      "swap_insert_dead_letters", "swap_delete_attempts", "swap_delete_jobs", "swap_delete_runs", "swap_guards_on",
      "swap_dead_letter_guard_on");

  /** Limits: the replay's statement timeout, and how long to wait for the live tables' lock. */
  public record Settings(long replayTimeoutMs, long lockTimeoutMs) {
    public static final Settings DEFAULTS = new Settings(600_000, 5_000);
  }

  private final Db db;
  private final Settings settings;

  public ProjectionRebuild(Db db, Settings settings) {
    this.db = db;
    this.settings = settings;
  }

  /** A rebuild ({@code dryRun}: only the comparison) asked for by {@code actor} for {@code reason}. */
  public Future<ProjectionReport> run(boolean dryRun, String actor, String reason) {
    return db.withConnection(conn -> one(conn, "try_lock", Tuple.of(LOCK_KEY)).compose(row -> {
      if (!row.getBoolean("locked")) {
        return Future.failedFuture(new ReachException(ErrorCode.PROJECTION_REBUILD_BUSY,
            "another projection rebuild is running; try again when it has finished"));
      }
      return replayAndCompare(conn, dryRun, actor, reason)
          .eventually(() -> one(conn, "unlock", Tuple.of(LOCK_KEY)));
    })).recover(t -> Future.failedFuture(classify(t)));
  }

  private Future<ProjectionReport> replayAndCompare(SqlConnection conn, boolean dryRun, String actor, String reason) {
    long t0 = System.nanoTime();
    return inTransaction(conn, c -> one(c, "reset", Tuple.tuple()).compose(v -> one(c, "catch_up", Tuple.tuple())))
        .compose(first -> {
          long replayMs = (System.nanoTime() - t0) / 1_000_000;
          long t1 = System.nanoTime();
          return inTransaction(conn, c -> query(c, "hold_transitions", Tuple.tuple())
              .compose(v -> one(c, "catch_up", Tuple.tuple()))
              .compose(tail -> compare(c).compose(diff -> {
                Future<Void> swapped = dryRun || diff.total() == 0 ? Future.succeededFuture() : swap(c);
                return swapped.compose(v -> {
                  ProjectionReport report = new ProjectionReport(dryRun, actor, reason,
                      first.getLong("applied"), tail.getLong("applied"), tail.getLong("through"), diff.counts(),
                      diff.rows(), !dryRun && diff.total() > 0, replayMs, (System.nanoTime() - t1) / 1_000_000, null);
                  return one(c, "record", Tuple.of(dryRun ? "projections_checked" : "projections_rebuilt",
                      report.eventPayload()))
                      .map(seq -> report.withEventSeq(seq.getLong("seq")));
                });
              })));
        });
  }

  private record Comparison(Map<String, JsonObject> counts, List<ProjectionReport.RowDifference> rows) {
    long total() {
      return counts.values().stream()
          .mapToLong(c -> c.getLong("missing") + c.getLong("extra") + c.getLong("changed")).sum();
    }
  }

  private Future<Comparison> compare(SqlConnection c) {
    return query(c, "difference_counts", Tuple.tuple()).compose(countRows -> {
      Map<String, JsonObject> counts = new LinkedHashMap<>();
      for (String table : ProjectionReport.TABLES) {
        counts.put(table, new JsonObject().put("missing", 0L).put("extra", 0L).put("changed", 0L));
      }
      for (Row r : countRows) {
        counts.put(r.getString("tbl"), new JsonObject().put("missing", r.getLong("missing"))
            .put("extra", r.getLong("extra")).put("changed", r.getLong("changed")));
      }
      return query(c, "differences", Tuple.of(MAX_LISTED)).map(rows -> {
        List<ProjectionReport.RowDifference> list = new ArrayList<>();
        for (Row r : rows) {
          list.add(ProjectionReport.RowDifference.of(r.getString("tbl"), r.getString("key"),
              json(r.getValue("live")), json(r.getValue("rebuilt"))));
        }
        return new Comparison(counts, list);
      });
    });
  }

  private Future<Void> swap(SqlConnection c) {
    Future<Void> chain = Future.succeededFuture();
    for (String step : SWAP) {
      chain = chain.compose(v -> query(c, step, Tuple.tuple()).mapEmpty());
    }
    return chain;
  }

  private <T> Future<T> inTransaction(SqlConnection conn, Function<SqlConnection, Future<T>> work) {
    return conn.begin().compose(tx -> query(conn, "limits", Tuple.of(String.valueOf(settings.replayTimeoutMs()),
        String.valueOf(settings.lockTimeoutMs())))
        .compose(v -> work.apply(conn))
        .compose(r -> tx.commit().map(r), t -> tx.rollback().transform(ar -> Future.<T>failedFuture(t))));
  }

  private static Future<RowSet<Row>> query(SqlConnection c, String name, Tuple params) {
    return c.preparedQuery(SQL.get(name).text()).execute(params);
  }

  private static Future<Row> one(SqlConnection c, String name, Tuple params) {
    return query(c, name, params).map(rows -> rows.iterator().next());
  }

  private ReachException classify(Throwable t) {
    if (t instanceof PgException pg && "55P03".equals(pg.getSqlState())) {
      return new ReachException(ErrorCode.PROJECTION_REBUILD_BUSY, "the live tables stayed locked by other"
          + " transactions for " + settings.lockTimeoutMs() + " ms; nothing was changed, try again", null, 1_000, t);
    }
    return DbErrors.classify(t);
  }

  private static JsonObject json(Object v) {
    return v == null ? null : v instanceof JsonObject o ? o : new JsonObject(String.valueOf(v));
  }
}
