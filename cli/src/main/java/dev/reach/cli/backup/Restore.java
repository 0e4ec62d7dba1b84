package dev.reach.cli.backup;

import dev.reach.orchestrator.store.EventChainStore;
import dev.reach.orchestrator.store.ProjectionRebuild;
import dev.reach.orchestrator.store.ProjectionReport;
import dev.reach.shared.audit.ChainVerifier;
import dev.reach.shared.audit.ExportLines;
import dev.reach.shared.audit.SealedEvent;
import dev.reach.shared.audit.VerifyReport;
import dev.reach.shared.config.DbUrl;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.db.Db;
import dev.reach.shared.db.Migrator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Restores a backup into a fresh, empty database on the server of {@code REACH_DB_URL}, and makes it
 * fit to serve before anyone does: newer migrations applied, the database generation increased (so no
 * lease token granted before the restore matches one granted after it), the event chain verified, the
 * projections rebuilt from the event log and compared with a replay. Only then is it switched in under
 * the database name Reach uses — at once when that database is gone (destroyed), or with {@code replace}
 * (the old one is kept, renamed). The leases in flight at the restore point are not touched: their
 * runners' reports are refused ({@code STALE_GENERATION}), their heartbeats renew nothing, and the
 * leader's reaper expires them and requeues their jobs by the normal rules (lost-attempt budget).
 */
public final class Restore {
  private static final Pattern DB_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);
  public static final Duration RESTORE_TIMEOUT = Duration.ofHours(2);

  /** A restore that did not finish; the report says how far it got. */
  public static final class RestoreFailed extends RuntimeException {
    private final JsonObject report;

    RestoreFailed(String message, JsonObject report, Throwable cause) {
      super(message, cause);
      this.report = report.put("ok", false).put("error", message);
    }

    public JsonObject report() {
      return report;
    }
  }

  /** Where to restore: the target URL, the fresh database's name (null: generated), whether to replace a live one. */
  public record Settings(DbUrl target, String into, boolean replace, String actor) {}

  private final PgTools tools;

  public Restore(PgTools tools) {
    this.tools = tools;
  }

  /**
   * Why {@code s.into()} cannot take a restore (a bad name, or a database that exists), or null; for a
   * check before a long recovery. A server that cannot be reached is left for the restore to report.
   */
  public static String unusableInto(Vertx vertx, Settings s) {
    if (s.into() == null) {
      return null;
    }
    if (!DB_NAME.matcher(s.into()).matches()) {
      return "database names must be lowercase letters, digits and '_' (got " + s.into() + ")";
    }
    DbUrl admin = new DbUrl(s.target().host(), s.target().port(), "postgres", s.target().user(), s.target().password());
    try {
      PgConnection c = PgConnection.connect(vertx, PgTools.options(admin)).await();
      try {
        return exists(c, s.into()) ? "database " + s.into() + " exists already: a restore goes into a fresh database" : null;
      } finally {
        c.close().await();
      }
    } catch (RuntimeException e) {
      return null;
    }
  }

  public JsonObject run(Vertx vertx, Path backupDir, JsonObject manifest, Settings s) {
    long t0 = System.currentTimeMillis();
    Instant now = Instant.now();
    String id = manifest.getString("id");
    String fresh = s.into() != null ? s.into() : s.target().database() + "_restore_" + SUFFIX.format(now);
    JsonObject report = new JsonObject().put("backup_id", id).put("backup_taken_at", manifest.getString("snapshot_at"))
        .put("backup_last_event_seq", manifest.getLong("last_event_seq")).put("restored_into", fresh)
        .put("target_database", s.target().database());
    JsonObject pointInTime = manifest.getJsonObject("point_in_time");
    if (pointInTime != null) {
      report.put("point_in_time", pointInTime);
    }
    JsonObject timings = new JsonObject();
    report.put("timings_ms", timings);
    if (!DB_NAME.matcher(fresh).matches() || !DB_NAME.matcher(s.target().database()).matches()) {
      throw new RestoreFailed("database names must be lowercase letters, digits and '_' (got " + fresh + ", "
          + s.target().database() + ")", report, null);
    }
    DbUrl admin = new DbUrl(s.target().host(), s.target().port(), "postgres", s.target().user(), s.target().password());
    DbUrl freshUrl = new DbUrl(s.target().host(), s.target().port(), fresh, s.target().user(), s.target().password());
    // 1. a fresh, empty database
    PgConnection maint = connect(vertx, admin, report);
    try {
      if (exists(maint, fresh)) {
        throw new RestoreFailed("database " + fresh + " exists already: a restore goes into a fresh database", report, null);
      }
      maint.query("CREATE DATABASE " + fresh + " TEMPLATE template0").execute().await();
    } finally {
      maint.close().await();
    }
    // 2. pg_restore
    long t = System.currentTimeMillis();
    List<String> args = new ArrayList<>(PgTools.connection(freshUrl));
    args.addAll(List.of("-d", fresh, "--no-owner", "--exit-on-error",
        backupDir.resolve(manifest.getString("file", Backups.DUMP)).toString()));
    PgTools.Result r = tools.run("pg_restore", args, freshUrl, RESTORE_TIMEOUT);
    timings.put("pg_restore", System.currentTimeMillis() - t);
    if (!r.ok()) {
      throw new RestoreFailed("pg_restore exited " + r.exit() + ": " + r.stderr() + " (the partial database "
          + fresh + " is left for inspection; Reach does not use it)", report, null);
    }
    // Reach's pool wants a password: an empty one where the URL has none (trust or peer authentication)
    Db db = Db.create(vertx, ReachConfig.from(Map.of("REACH_DB_URL", url(freshUrl.password() != null ? freshUrl
        : new DbUrl(freshUrl.host(), freshUrl.port(), freshUrl.database(), freshUrl.user(), ""))), 0));
    try {
      // 3. newer migrations, then the in-flight leases as the backup has them, then the new generation
      t = System.currentTimeMillis();
      Migrator.fromClasspath().migrate(db.pool()).await();
      JsonArray inFlight = new JsonArray();
      for (Row j : db.pool().query("SELECT j.run_id, j.id, j.name, j.state::text AS state, j.lease_token, j.runner_id,"
          + " j.lease_expires_at, j.attempt, j.lost_attempts, j.max_lost_attempts FROM jobs j"
          + " WHERE j.state IN ('LEASED', 'RUNNING') ORDER BY j.run_id, j.name").execute().await()) {
        boolean budgetLeft = j.getInteger("lost_attempts") + 1 < j.getInteger("max_lost_attempts");
        inFlight.add(new JsonObject().put("run_id", j.getUUID("run_id").toString()).put("job_id", j.getUUID("id").toString())
            .put("job", j.getString("name")).put("state", j.getString("state")).put("attempt", j.getInteger("attempt"))
            .put("lease_token", j.getLong("lease_token")).put("runner_id", j.getString("runner_id"))
            .put("lease_expires_at", j.getOffsetDateTime("lease_expires_at") == null ? null
                : j.getOffsetDateTime("lease_expires_at").toInstant().toString())
            .put("then", budgetLeft ? "lease expires (not renewable: old generation), job requeued (lost attempt "
                + (j.getInteger("lost_attempts") + 1) + " of " + j.getInteger("max_lost_attempts") + ")"
                : "lease expires (not renewable: old generation), lost-attempt budget spent: job QUARANTINED with a dead letter"));
      }
      long before = db.pool().query("SELECT reach_generation()").execute().await().iterator().next().getLong(0);
      long after = db.pool().preparedQuery("SELECT reach_bump_generation($1)")
          .execute(Tuple.of("restore of backup " + id)).await().iterator().next().getLong(0);
      report.put("generation_before", before).put("generation", after).put("in_flight", inFlight)
          .put("in_flight_rule", "leases granted before the restore carry generation " + before + ": every report of"
              + " them is refused (STALE_GENERATION) and no heartbeat renews them; the leader's reaper expires each at"
              + " its lease_expires_at and requeues the job by the normal rules (nothing is edited by hand); no lease"
              + " is granted for one lease TTL (REACH_LEASE_TTL_MS) after the restore, so an attempt the lost database"
              + " granted or renewed after the backup has been fenced by its runner before its job runs again");
      timings.put("migrate_and_generation", System.currentTimeMillis() - t);
      // 4. the event chain
      t = System.currentTimeMillis();
      VerifyReport verify = verifyChain(db);
      timings.put("verify_chain", System.currentTimeMillis() - t);
      report.put("chain", new JsonObject().put("ok", verify.ok())
          .put("summary", verify.describe().strip().replace(System.lineSeparator(), "; ")));
      if (!verify.ok()) {
        throw new RestoreFailed("the event chain of the restored database does not verify: "
            + verify.describe().strip() + " (database " + fresh + " is left for inspection; Reach does not use it)", report, null);
      }
      // 5. projections rebuilt from the event log, then compared with a replay
      t = System.currentTimeMillis();
      ProjectionRebuild rebuild = new ProjectionRebuild(db, ProjectionRebuild.Settings.DEFAULTS);
      ProjectionReport rebuilt = rebuild.run(false, s.actor(), "restore of backup " + id).await();
      ProjectionReport check = rebuild.run(true, s.actor(), null).await();
      timings.put("rebuild_projections", System.currentTimeMillis() - t);
      report.put("projections", new JsonObject().put("rebuilt_differences", rebuilt.total())
          .put("swapped", rebuilt.toJson().getBoolean("swapped", false))
          .put("differences_after", check.total()).put("equal_to_replay", check.total() == 0));
      if (check.total() != 0) {
        throw new RestoreFailed("the projections still differ from a replay after the rebuild (" + check.total()
            + " rows; database " + fresh + " is left for inspection; Reach does not use it)", report, null);
      }
      long seq = db.pool().preparedQuery("INSERT INTO events (type, payload) VALUES ('database_restored', $1::jsonb) RETURNING seq")
          .execute(Tuple.of(new JsonObject().put("actor", s.actor()).put("backup_id", id)
              .put("backup_last_event_seq", manifest.getLong("last_event_seq")).put("generation", after)
              .put("in_flight_jobs", inFlight.size()).put("reason", "restore of backup " + id)
              .put("to_time", pointInTime == null ? null : pointInTime.getString("to_time"))))
          .await().iterator().next().getLong(0);
      report.put("event_seq", seq);
    } finally {
      db.close().await();
    }
    // 6. switch it in under the name Reach uses
    t = System.currentTimeMillis();
    maint = connect(vertx, admin, report);
    try {
      boolean live = exists(maint, s.target().database());
      if (!live || s.replace()) {
        if (live) {
          String aside = s.target().database() + "_replaced_" + SUFFIX.format(now);
          maint.preparedQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()")
              .execute(Tuple.of(s.target().database())).await();
          maint.query("ALTER DATABASE " + s.target().database() + " RENAME TO " + aside).execute().await();
          report.put("replaced_database_kept_as", aside);
        }
        maint.query("ALTER DATABASE " + fresh + " RENAME TO " + s.target().database()).execute().await();
        report.put("switched", true).put("serving_database", s.target().database());
      } else {
        report.put("switched", false).put("serving_database", s.target().database())
            .put("next", "database " + s.target().database() + " still exists: Reach keeps using it. Serve from the restore"
                + " by pointing REACH_DB_URL at database " + fresh + " and restarting the services, or run again with --replace");
      }
    } finally {
      maint.close().await();
    }
    timings.put("switch", System.currentTimeMillis() - t);
    timings.put("total", System.currentTimeMillis() - t0);
    return report.put("ok", true);
  }

  private static VerifyReport verifyChain(Db db) {
    EventChainStore chain = new EventChainStore(db);
    EventChainStore.Head head = chain.head().await();
    ChainVerifier v = new ChainVerifier();
    v.line(ExportLines.header(0, null, head == null ? null : head.toJson()).encode());
    long after = 0;
    long events = 0;
    long sealed = 0;
    while (true) {
      List<SealedEvent> page = chain.exportPage(after, 2_000, head == null ? 0 : head.seq(), null).await();
      for (SealedEvent e : page) {
        JsonObject json = e.toJson();
        events++;
        if (json.getValue("hash") != null) {
          sealed++;
        }
        if (!v.line(json.encode())) {
          return v.finish();
        }
        after = e.seq();
      }
      if (page.size() < 2_000) {
        break;
      }
    }
    v.line(ExportLines.end(events, sealed).encode());
    return v.finish();
  }

  private static PgConnection connect(Vertx vertx, DbUrl u, JsonObject report) {
    try {
      return PgConnection.connect(vertx, PgTools.options(u)).await();
    } catch (RuntimeException e) {
      throw new RestoreFailed("cannot connect to " + u + ": " + e.getMessage(), report, e);
    }
  }

  private static boolean exists(PgConnection c, String name) {
    return c.preparedQuery("SELECT 1 FROM pg_database WHERE datname = $1").execute(Tuple.of(name)).await().size() > 0;
  }

  static String url(DbUrl u) {
    String userInfo = URLEncoder.encode(u.user(), StandardCharsets.UTF_8)
        + (u.password() == null ? "" : ":" + URLEncoder.encode(u.password(), StandardCharsets.UTF_8));
    return "postgresql://" + userInfo + "@" + u.host() + ":" + u.port() + "/" + u.database();
  }
}
