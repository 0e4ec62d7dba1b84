package dev.reach.cli;

import dev.reach.shared.audit.ExportLines;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code reachctl audit export [--run ID] [--since SEQ]}: GET /admin/api/events to stdout, line by
 * line as it streams (constant memory). An export that breaks off, or ends without its end line,
 * exits 1 with a message on stderr (what was written so far stays, and verify reports it cut off).
 */
@Command(
    name = "export",
    description = {"Write the event log as JSON lines (header, events in chain order with their seals, end line) to stdout.",
        "The output is JSON lines with or without --json (each line one JSON object); --json makes errors JSON too."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the whole export was written", "1:API error, or the export broke off (no end line)",
        "2:bad usage", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class AuditExportCommand implements Callable<Integer> {
  private static final String END_PREFIX = "{\"" + ExportLines.END + "\"";

  private final Cli cli;

  @Option(names = "--run", paramLabel = "RUN_ID", description = "Only this run's events.")
  String run;

  @Option(names = "--since", paramLabel = "SEQ", description = "Only events after this seq (default 0: all).")
  Long since;

  @Mixin ApiOptions api;

  /** The export is JSON lines already: --json changes only how errors are printed. */
  @Mixin JsonOption output;


  public AuditExportCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    if (since != null && since < 0) {
      throw new CliException(ExitCodes.USAGE, "--since must be 0 or more");
    }
    StringBuilder path = new StringBuilder("/admin/api/events");
    String sep = "?";
    if (since != null) {
      path.append(sep).append("since=").append(since);
      sep = "&";
    }
    if (run != null) {
      path.append(sep).append("run=").append(ApiClient.segment(run));
    }
    ApiClient client = api.client(cli);
    Writer out = new BufferedWriter(new OutputStreamWriter(cli.out(), StandardCharsets.UTF_8), 64 * 1024);
    export(client, path.toString(), api.adminHeaders(cli), out);
    return ExitCodes.OK;
  }

  /**
   * Streams {@code path} (an {@code /admin/api/events} query) to {@code out} line by line and returns the
   * number of lines written; an export that breaks off or ends without its end line is a {@link CliException}
   * (exit 1). Shared by {@code reachctl demo}.
   */
  static long export(ApiClient client, String path, java.util.Map<String, String> headers, Writer out) {
    long lines = 0;
    boolean ended = false;
    try (InputStream in = client.stream(path, headers);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024)) {
      String line;
      while ((line = reader.readLine()) != null) {
        out.write(line);
        out.write('\n');
        lines++;
        ended = line.startsWith(END_PREFIX);
      }
    } catch (IOException e) {
      flush(out);
      throw new CliException(ExitCodes.FAILED, "the export from " + client.base() + " broke off after " + lines
          + " line(s): " + Futures.describe(e) + "; what was written is incomplete", e);
    }
    flush(out);
    if (!ended) {
      throw new CliException(ExitCodes.FAILED, "the export from " + client.base() + " ended after " + lines
          + " line(s) without its end line: it is incomplete");
    }
    return lines;
  }

  private static void flush(Writer out) {
    try {
      out.flush();
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "cannot write the export: " + Futures.describe(e), e);
    }
  }
}
