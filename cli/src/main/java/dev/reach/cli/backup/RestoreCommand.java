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
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code reachctl admin restore BACKUP [--into NAME] [--replace]}: {@link Restore} — a fresh database from
 * the backup, a new database generation, the event chain verified and the projections rebuilt before it
 * is switched in; the report lists the runs in flight at the restore point and what happens to them.
 * {@code --to-time} is refused: see the README (point-in-time restore is done from the WAL archive with
 * the PostgreSQL tools, then this command's checks are run with {@code --into}).
 */
@Command(
    name = "restore",
    description = "Restore a backup into a fresh database, increase the database generation, verify the event chain and"
        + " rebuild the projections, then switch it in (when the live database is gone, or with --replace).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:restored and verified", "1:the restore or a check failed (nothing was switched in)",
        "2:bad usage (no such backup, --to-time)"},
    mixinStandardHelpOptions = true)
public final class RestoreCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "BACKUP", description = "A backup id (under --out) or a backup directory.")
  String backup;

  @Option(names = "--to-time", paramLabel = "T", description = "Point-in-time restore: refused by this command (see the"
      + " README, 'Backups and restore': PITR from the compose WAL archive is done with the PostgreSQL tools).")
  String toTime;

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
    if (toTime != null) {
      throw new CliException(ExitCodes.USAGE, "--to-time is not done by reachctl: a point-in-time restore replays the WAL"
          + " archive onto a base backup (pg_basebackup + recovery_target_time) on a PostgreSQL server of its own; see the"
          + " README section 'Backups and restore' for the steps, then restore a pg_dump of that server with this command");
    }
    DbUrl db = where.db(cli);
    Path[] at = new Path[1];
    JsonObject manifest;
    try {
      manifest = Backups.open(where.dir(cli), backup, at);
    } catch (IllegalArgumentException | IOException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
    }
    Vertx vertx = Vertx.vertx();
    JsonObject report;
    try {
      report = new Restore(PgTools.from(cli.env())).run(vertx, at[0], manifest,
          new Restore.Settings(db, into, replace, "reachctl admin restore (" + System.getProperty("user.name") + ")"));
    } catch (Restore.RestoreFailed e) {
      if (output.on()) {
        cli.out().println(e.report().encodePrettily());
        cli.out().flush();
      }
      throw new CliException(ExitCodes.FAILED, "restore of " + manifest.getString("id") + " failed: " + e.getMessage(), e);
    } finally {
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

  private void print(JsonObject r) {
    JsonObject t = r.getJsonObject("timings_ms");
    cli.out().println("restored backup " + r.getString("backup_id") + " (taken " + r.getString("backup_taken_at")
        + ", events through #" + r.getLong("backup_last_event_seq") + ") into database " + r.getString("restored_into")
        + String.format(Locale.ROOT, " in %.1f s", t.getLong("total") / 1000.0));
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
