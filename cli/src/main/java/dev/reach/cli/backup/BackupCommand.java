package dev.reach.cli.backup;

import dev.reach.cli.ApiClient;
import dev.reach.cli.ApiOptions;
import dev.reach.cli.Cli;
import dev.reach.cli.CliException;
import dev.reach.cli.ExitCodes;
import dev.reach.cli.JsonOption;
import dev.reach.cli.ReachCtl;
import dev.reach.shared.config.DbUrl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code reachctl admin backup [--base] [--out DIR] [--db-url URL]}: a consistent pg_dump of the Reach
 * database ({@link Backups}), or with {@code --base} a physical base backup of its server for
 * point-in-time restores ({@link BaseBackups}), with its manifest, recorded as {@code backup_taken} / {@code backup_failed} through
 * {@code POST /admin/api/backup-events} (a failure raises the {@code backup_failed} alert).
 */
@Command(
    name = "backup",
    description = "Take a consistent backup of the Reach database (pg_dump, custom format; with --base a pg_basebackup of"
        + " its server for point-in-time restores) into DIR/<id>/ with a manifest (time, size, last event seq, chain head,"
        + " database generation), and record it in the event log.",
    subcommands = {BackupListCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:backup taken and recorded", "1:the backup failed (recorded as backup_failed), or it was taken"
        + " but could not be recorded", "2:bad usage (no admin token, bad --db-url)", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class BackupCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(names = "--base", description = "A physical base backup (pg_basebackup: tar, gzip, with the WAL it needs), the"
      + " start of a point-in-time restore (admin restore --to-time) with the server's WAL archive. Needs a replication"
      + " connection (pg_hba.conf 'replication').")
  boolean base;

  @Mixin BackupOptions where;

  @Mixin JsonOption output;

  @Mixin ApiOptions api;

  public BackupCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    Map<String, String> admin = api.adminHeaders(cli);
    ApiClient client = api.client(cli);
    DbUrl db = where.db(cli);
    Path dir = where.dir(cli);
    // the outcome goes to the event log: no backup is started that could not be recorded (exit 3 when
    // the hub cannot be reached, 1 with the API's error when the token is refused)
    client.getJson("/admin/api/system-status", admin);
    Vertx vertx = Vertx.vertx();
    JsonObject manifest;
    String failure = null;
    try {
      String version = ReachCtl.class.getPackage().getImplementationVersion();
      PgTools tools = PgTools.from(cli.env());
      manifest = base ? new BaseBackups(tools, version).take(vertx, db, dir) : new Backups(tools, version).take(vertx, db, dir);
    } catch (Backups.BackupFailed e) {
      manifest = e.manifest();
      failure = e.getMessage();
    } finally {
      vertx.close().await();
    }
    String type = failure == null ? "backup_taken" : "backup_failed";
    Long seq = null;
    String notRecorded = null;
    try {
      JsonObject body = new JsonObject().put("type", type).put("backup_id", manifest.getString("id"))
          .put("detail", manifest.copy().put("dir", dir.toString()));
      seq = client.postJson("/admin/api/backup-events", body.toBuffer().getBytes(), admin).body().getLong("seq");
    } catch (CliException e) {
      notRecorded = e.getMessage().replaceFirst("^reachctl: ", "");
    }
    manifest.put("dir", dir.resolve(manifest.getString("id")).toString()).put("event", type).put("event_seq", seq);
    if (notRecorded != null) {
      manifest.put("not_recorded", notRecorded);
    }
    if (output.on()) {
      cli.out().println(manifest.encodePrettily());
    } else if (failure == null) {
      cli.out().println((base ? "base backup " : "backup ") + manifest.getString("id") + " taken: " + BackupListCommand.size(manifest.getLong("size_bytes"))
          + " in " + String.format(Locale.ROOT, "%.1f s", manifest.getLong("duration_ms") / 1000.0)
          + ", events through #" + manifest.getLong("last_event_seq") + (base ? " at least" : "") + ", chain head "
          + BackupListCommand.head(manifest.getJsonObject("chain_head")) + ", generation " + manifest.getLong("db_generation"));
      cli.out().println("  " + manifest.getString("dir"));
      if (base) {
        cli.out().println("  restorable to any time from " + manifest.getString("restorable_from")
            + " on, with the server's WAL archive (admin restore --to-time T --wal-archive DIR)");
      }
      cli.out().println(seq == null ? "  NOT recorded in the event log: " + notRecorded : "  recorded as event #" + seq + " (" + type + ")");
    }
    cli.out().flush();
    if (failure != null) {
      throw new CliException(ExitCodes.FAILED, "backup " + manifest.getString("id") + " failed: " + failure
          + (seq == null ? " (and it could not be recorded: " + notRecorded + ")" : " (recorded as event #" + seq
              + "; the backup_failed alert is raised)"));
    }
    if (notRecorded != null) {
      throw new CliException(ExitCodes.FAILED, "backup " + manifest.getString("id") + " was taken but could not be"
          + " recorded in the event log: " + notRecorded);
    }
    return ExitCodes.OK;
  }
}
