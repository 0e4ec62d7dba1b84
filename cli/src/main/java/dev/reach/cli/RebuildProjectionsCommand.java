package dev.reach.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code reachctl admin rebuild-projections [--dry-run] [--reason R]}: POST
 * /admin/api/projections/rebuild — runs, jobs, attempts and dead letters rebuilt from the event log
 * and swapped in while transitions are held back, or with {@code --dry-run} only compared, row by row.
 */
@Command(
    name = "rebuild-projections",
    description = "Rebuild the current-state tables (runs, jobs, attempts, dead letters) by replaying the event log, and"
        + " swap the differing rows in while transitions are held back; with --dry-run only report the differences.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:rebuilt (or, with --dry-run, no difference)",
      "1:API error, or with --dry-run: the projections differ from the replay",
      "2:bad usage (no token, no --reason for a rebuild)",
      "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class RebuildProjectionsCommand implements Callable<Integer> {
  /** The hub allows a rebuild this long (the orchestrator's replay timeout and the lock wait, plus a margin). */
  static final Duration TIMEOUT = Duration.ofMinutes(11);

  private final Cli cli;

  @Option(names = "--dry-run", description = "Only compare the tables with the replay and list the differing rows.")
  boolean dryRun;

  @Option(names = "--reason", paramLabel = "R", description = "Why (recorded in the event log; required without --dry-run).")
  String reason;

  @Mixin JsonOption output;

  @Mixin ApiOptions api;

  public RebuildProjectionsCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    if (!dryRun && (reason == null || reason.isBlank())) {
      throw new CliException(ExitCodes.USAGE, "a rebuild needs --reason (say why; it goes into the event log)");
    }
    JsonObject body = new JsonObject().put("dry_run", dryRun);
    if (reason != null) {
      body.put("reason", reason);
    }
    JsonObject report = api.client(cli).postJson("/admin/api/projections/rebuild", body.toBuffer().getBytes(),
        api.adminHeaders(cli), TIMEOUT).body();
    if (output.on()) {
      cli.out().println(report.encodePrettily());
    } else {
      print(report);
    }
    return dryRun && report.getLong("differences", 0L) > 0 ? ExitCodes.FAILED : ExitCodes.OK;
  }

  private void print(JsonObject r) {
    long differences = r.getLong("differences", 0L);
    cli.out().println((r.getBoolean("dry_run", false) ? "dry run: " : "rebuild: ") + differences + " differing row(s);"
        + (r.getBoolean("swapped", false) ? " swapped in" : " nothing changed") + " (replayed "
        + r.getLong("events_replayed", 0L) + " events through #" + r.getLong("through_seq", 0L) + ", "
        + r.getLong("events_replayed_while_held", 0L) + " of them while transitions were held back for "
        + r.getLong("held_ms", 0L) + " ms)");
    TextTable counts = new TextTable("TABLE", "MISSING", "EXTRA", "CHANGED");
    JsonObject tables = r.getJsonObject("tables", new JsonObject());
    for (String t : tables.fieldNames()) {
      JsonObject c = tables.getJsonObject(t);
      counts.row(t, c.getLong("missing"), c.getLong("extra"), c.getLong("changed"));
    }
    cli.out().print(counts.render());
    JsonArray rows = r.getJsonArray("rows", new JsonArray());
    for (int i = 0; i < rows.size(); i++) {
      JsonObject d = rows.getJsonObject(i);
      StringBuilder line = new StringBuilder(d.getString("table") + " " + d.getString("key") + " " + d.getString("kind"));
      if ("changed".equals(d.getString("kind"))) {
        JsonObject cols = d.getJsonObject("columns");
        for (String c : cols.fieldNames()) {
          JsonObject v = cols.getJsonObject(c);
          line.append("\n    ").append(c).append(": ").append(show(v.getValue("live"))).append(" -> ")
              .append(show(v.getValue("rebuilt")));
        }
      }
      cli.out().println(line);
    }
    if (differences > rows.size()) {
      cli.out().println("(" + rows.size() + " of " + differences + " differing rows listed)");
    }
    cli.out().println("event #" + r.getValue("event_seq") + " by " + r.getString("actor")
        + (r.getString("reason") == null ? "" : ": " + r.getString("reason")));
  }

  private static String show(Object v) {
    return v == null ? "null" : v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
  }
}
