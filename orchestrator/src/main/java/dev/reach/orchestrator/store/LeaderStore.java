package dev.reach.orchestrator.store;

import dev.reach.shared.db.Db;
import dev.reach.shared.db.SqlFile;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Leadership in Postgres (see {@code sql/leader.sql}): the epoch that fences leader-only
 * statements, the grace that protects extended leases, and what the reaper reads before a pass.
 */
public final class LeaderStore {
  private static final SqlFile SQL = SqlFile.load("sql/leader.sql");

  /** A committed takeover: the new epoch, who led before and how many leases were graced. */
  public record Takeover(long epoch, String previousLeaderId, long graced) {}

  /** The state a reaper pass starts from. */
  public record Probe(long epoch, OffsetDateTime dbNow, long active, long expiring) {}

  /** A runner whose registered incarnation differs from one holding some of its leases. */
  public record Superseded(String runnerId, String incarnation) {}

  private final Db db;
  private final DbNow now;

  public LeaderStore(Db db, DbNow now) {
    this.db = db;
    this.now = now;
  }

  public Future<Takeover> take(String leaderId, long graceMs) {
    return db.query(SQL.get("take_leadership"), Tuple.of(leaderId, graceMs, now.now())).map(rows -> {
      Row r = rows.iterator().next();
      return new Takeover(r.getLong("epoch"), r.getString("previous_leader_id"), r.getLong("graced"));
    });
  }

  /** Pushes every active lease to at least now + graceMs; -1 when {@code epoch} is no longer current. */
  public Future<Long> grace(long epoch, long graceMs, String reason) {
    return db.query(SQL.get("grace"), Tuple.of(epoch, graceMs, reason, now.now()))
        .map(rows -> rows.size() == 0 ? -1L : rows.iterator().next().getLong("graced"));
  }

  public Future<Probe> probe() {
    return db.query(SQL.get("expiry_probe"), Tuple.of(now.now())).map(rows -> {
      Row r = rows.iterator().next();
      return new Probe(r.getLong("epoch"), r.getOffsetDateTime("db_now"), r.getLong("active"), r.getLong("expiring"));
    });
  }

  public Future<List<Superseded>> supersededIncarnations() {
    return db.query(SQL.get("superseded_incarnations"), Tuple.tuple()).map(rows -> {
      List<Superseded> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Superseded(r.getString("runner_id"), r.getString("incarnation")));
      }
      return out;
    });
  }

  public Future<Long> queuedCount() {
    return db.query(SQL.get("queued_count"), Tuple.tuple()).map(rows -> rows.iterator().next().getLong("queued"));
  }
}
