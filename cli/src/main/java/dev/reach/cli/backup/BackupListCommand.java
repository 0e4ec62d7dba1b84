package dev.reach.cli.backup;

import dev.reach.cli.Cli;
import dev.reach.cli.CliException;
import dev.reach.cli.ExitCodes;
import dev.reach.cli.JsonOption;
import dev.reach.cli.TextTable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code reachctl admin backup list [--out DIR]}: the backups in the directory, oldest first. */
@Command(name = "list", description = "List the backups in the backup directory: id, kind (dump: pg_dump; base:"
    + " pg_basebackup, for --to-time), status, time, size, last event seq.",
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:listed", "2:bad usage or unreadable directory"},
    mixinStandardHelpOptions = true)
public final class BackupListCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin BackupOptions where;

  @Mixin JsonOption output;

  public BackupListCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    Path dir = where.dir(cli);
    JsonArray list;
    try {
      list = Backups.list(dir);
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, "cannot read " + dir + ": " + e.getMessage(), e);
    }
    if (output.on()) {
      cli.out().println(new JsonObject().put("dir", dir.toString()).put("backups", list).encodePrettily());
    } else {
      TextTable t = new TextTable("ID", "KIND", "STATUS", "TAKEN AT", "SIZE", "LAST EVENT", "GENERATION", "CHAIN HEAD");
      for (Object o : list) {
        JsonObject m = (JsonObject) o;
        t.row(m.getString("id"), BaseBackups.FORMAT.equals(m.getString("format")) ? "base" : "dump", m.getString("status"), m.getString("snapshot_at", m.getString("started_at", "")),
            size(m.getLong("size_bytes")), m.getValue("last_event_seq") == null ? "" : "#" + m.getLong("last_event_seq"),
            m.getValue("db_generation") == null ? "" : m.getLong("db_generation"),
            "ok".equals(m.getString("status")) ? head(m.getJsonObject("chain_head")) : "");
      }
      cli.out().print(t.render());
      cli.out().println(list.size() + " backup(s) in " + dir);
    }
    cli.out().flush();
    return ExitCodes.OK;
  }

  static String size(Long bytes) {
    if (bytes == null) {
      return "";
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }

  static String head(JsonObject h) {
    if (h == null) {
      return "(none sealed)";
    }
    String hash = h.getString("hash", "");
    return "pos " + h.getLong("pos") + " seq #" + h.getLong("seq") + " " + hash.substring(0, Math.min(12, hash.length()));
  }
}
