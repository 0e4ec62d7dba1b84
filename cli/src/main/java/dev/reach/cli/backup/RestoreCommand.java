package dev.reach.cli.backup;

import dev.reach.cli.Cli;
import dev.reach.cli.CliException;
import dev.reach.cli.ExitCodes;
import dev.reach.cli.JsonOption;
import dev.reach.shared.config.DbUrl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code reachctl admin restore BACKUP [--to-time T --wal-archive DIR] [--into NAME] [--replace]}:
 * {@link Restore} — a fresh database from the backup, a new database generation, the event chain verified
 * and the projections rebuilt before it is switched in; the report lists the runs in flight at the
 * restore point and what happens to them. A base backup is first brought to {@code T} (or to its own end)
 * on a scratch server by {@link PointInTimeRecovery}.
 */
@Command(
    name = "restore",
    description = "Restore a backup into a fresh database, increase the database generation, verify the event chain and"
        + " rebuild the projections, then switch it in (when the live database is gone, or with --replace).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:restored and verified", "1:the recovery, the restore or a check failed (nothing was switched in)",
        "2:bad usage (no such backup, a bad --to-time, no --wal-archive, a bad or taken --into)"},
    mixinStandardHelpOptions = true)
public final class RestoreCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "BACKUP", description = "A backup id (under --out) or a backup directory.")
  String backup;

  @Option(names = "--to-time", paramLabel = "T", description = "Point-in-time restore (a base backup, admin backup --base):"
      + " replay the WAL archive onto the backup up to T, an ISO-8601 time with offset (2026-12-06T10:21:33Z), at or"
      + " after the backup's end. Without it a base backup is restored to its own end.")
  String toTime;

  @Option(names = "--wal-archive", paramLabel = "DIR", description = "The server's WAL archive (its archive_command's"
      + " directory), read (never written) by reachctl; needed with --to-time (default: $REACH_WAL_ARCHIVE).")
  Path walArchive;

  @Option(names = "--scratch", paramLabel = "DIR", description = "Where the recovery server's data directory goes, removed"
      + " afterwards; it needs room for the whole database (default: $REACH_PITR_SCRATCH, else the temp directory).")
  Path scratch;

  @Option(names = "--into", paramLabel = "NAME", description = "The fresh database's name (default: <db>_restore_<time>).")
  String into;

  @Option(names = "--replace", description = "Switch the restore in even though the live database still exists (it is"
      + " kept, renamed <db>_replaced_<time>; its connections are ended).")
  boolean replace;

  @Mixin BackupOptions where;

  @Mixin JsonOption output;

  public RestoreCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    DbUrl db = where.db(cli);
    Path[] at = new Path[1];
    JsonObject manifest;
    try {
      manifest = Backups.open(where.dir(cli), backup, at);
    } catch (IllegalArgumentException | IOException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
    }
    PointInTimeRecovery.Target target = target(manifest, at[0]);
    PgTools tools = PgTools.from(cli.env());
    Vertx vertx = Vertx.vertx();
    JsonObject report;
    PointInTimeRecovery.Recovered recovered = null;
    try {
      Path from = at[0];
      Restore.Settings settings = new Restore.Settings(db, into, replace, "reachctl admin restore ("
          + System.getProperty("user.name") + ")");
      if (target != null) {
        // before a recovery that may take hours: the database it goes into must be new
        String taken = Restore.unusableInto(vertx, settings);
        if (taken != null) {
          throw new CliException(ExitCodes.USAGE, "--into: " + taken);
        }
        if (!output.on()) {
          cli.err().println("bringing base backup " + manifest.getString("id") + " to " + (target.toTime() == null
              ? "its end" : target.toTime() + " with the WAL archive " + target.walArchive()) + " on a scratch server...");
          cli.err().flush();
        }
        recovered = new PointInTimeRecovery(tools, ServerUser.from(cli.env()), Restore.RESTORE_TIMEOUT)
            .recover(vertx, target, db);
        manifest = recovered.manifest();
        from = recovered.dir();
      }
      report = new Restore(tools).run(vertx, from, manifest, settings);
    } catch (PointInTimeRecovery.RecoveryFailed e) {
      throw new CliException(ExitCodes.FAILED, "point-in-time recovery of base backup " + manifest.getString("id")
          + " failed (nothing was restored): " + e.getMessage(), e);
    } catch (Restore.RestoreFailed e) {
      if (output.on()) {
        cli.out().println(e.report().encodePrettily());
        cli.out().flush();
      }
      throw new CliException(ExitCodes.FAILED, "restore of " + manifest.getString("id") + " failed: " + e.getMessage(), e);
    } finally {
      if (recovered != null) {
        recovered.close();
      }
      vertx.close().await();
    }
    if (output.on()) {
      cli.out().println(report.encodePrettily());
    } else {
      print(report);
    }
    cli.out().flush();
    return ExitCodes.OK;
  }

  /** The recovery a base backup needs (null for a pg_dump backup); a bad --to-time or --wal-archive is a usage error. */
  private PointInTimeRecovery.Target target(JsonObject manifest, Path dir) {
    boolean base = BaseBackups.FORMAT.equals(manifest.getString("format"));
    if (!base) {
      if (toTime != null) {
        throw new CliException(ExitCodes.USAGE, "--to-time: backup " + manifest.getString("id") + " is a pg_dump ("
            + manifest.getString("format") + "), which restores only to the moment it was taken; a point-in-time restore"
            + " starts from a base backup (reachctl admin backup --base)");
      }
      return null;
    }
    Instant from = Instant.parse(manifest.getString("restorable_from"));
    Instant t = null;
    Path archive = null;
    if (toTime != null) {
      try {
        t = OffsetDateTime.parse(toTime).toInstant();
      } catch (DateTimeParseException e) {
        throw new CliException(ExitCodes.USAGE, "--to-time: '" + toTime + "' is not an ISO-8601 time with an offset"
            + " (e.g. 2026-12-06T10:21:33Z or 2026-12-06T11:21:33.5+01:00)");
      }
      if (t.isBefore(from)) {
        throw new CliException(ExitCodes.USAGE, "--to-time: " + t + " is before the end of base backup "
            + manifest.getString("id") + " (" + from + "): restore from an older base backup");
      }
      if (t.isAfter(Instant.now())) {
        throw new CliException(ExitCodes.USAGE, "--to-time: " + t + " is in the future");
      }
      String env = cli.env().get("REACH_WAL_ARCHIVE");
      archive = walArchive != null ? walArchive : env == null || env.isBlank() ? null : Path.of(env);
      if (archive == null) {
        throw new CliException(ExitCodes.USAGE, "--wal-archive: a restore to a point in time needs the server's WAL"
            + " archive (--wal-archive DIR or REACH_WAL_ARCHIVE)");
      }
      if (!Files.isDirectory(archive)) {
        throw new CliException(ExitCodes.USAGE, "--wal-archive: " + archive + " is not a directory");
      }
      archive = archive.toAbsolutePath();
    }
    String env = cli.env().get("REACH_PITR_SCRATCH");
    Path root = scratch != null ? scratch : env == null || env.isBlank()
        ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(env);
    return new PointInTimeRecovery.Target(dir, manifest, archive, t, root.toAbsolutePath());
  }

  private void print(JsonObject r) {
    JsonObject t = r.getJsonObject("timings_ms");
    cli.out().println("restored backup " + r.getString("backup_id") + " (taken " + r.getString("backup_taken_at")
        + ", events through #" + r.getLong("backup_last_event_seq") + ") into database " + r.getString("restored_into")
        + String.format(Locale.ROOT, " in %.1f s", t.getLong("total") / 1000.0));
    JsonObject pit = r.getJsonObject("point_in_time");
    if (pit != null) {
      cli.out().println("point in time: " + pit.getString("target") + "; last replayed commit at "
          + pit.getString("last_replayed_commit_at") + (pit.getString("stopped") == null ? "" : "; " + pit.getString("stopped"))
          + String.format(Locale.ROOT, " (replay %.1f s)", pit.getLong("replay_ms") / 1000.0));
    }
    cli.out().println("database generation " + r.getLong("generation_before") + " -> " + r.getLong("generation"));
    cli.out().println("event chain: " + r.getJsonObject("chain").getString("summary"));
    JsonObject p = r.getJsonObject("projections");
    cli.out().println("projections rebuilt from the event log: " + p.getLong("rebuilt_differences") + " differing row(s) "
        + (p.getBoolean("swapped") ? "swapped in" : "(none to swap)") + "; equal to a replay: " + p.getBoolean("equal_to_replay"));
    JsonArray inFlight = r.getJsonArray("in_flight");
    cli.out().println(inFlight.size() + " job(s) in flight at the restore point" + (inFlight.isEmpty() ? "" : ":"));
    for (Object o : inFlight) {
      JsonObject j = (JsonObject) o;
      cli.out().println("  run " + j.getString("run_id") + " job " + j.getString("job") + " " + j.getString("state")
          + " on " + j.getString("runner_id") + " (token " + j.getLong("lease_token") + "): " + j.getString("then"));
    }
    if (!inFlight.isEmpty()) {
      cli.out().println("  " + r.getString("in_flight_rule"));
    }
    cli.out().println("recorded as event #" + r.getLong("event_seq") + " (database_restored)");
    cli.out().println(r.getBoolean("switched") ? "serving: database " + r.getString("serving_database") + " is now the restore"
        + (r.getString("replaced_database_kept_as") == null ? "" : " (the replaced one is kept as "
            + r.getString("replaced_database_kept_as") + ")") : "NOT switched in: " + r.getString("next"));
  }
}
