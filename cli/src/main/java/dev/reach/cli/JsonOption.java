package dev.reach.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import picocli.CommandLine.Option;

/**
 * {@code --json}, shared by every {@code reachctl} command (a test fails for a command without it):
 * machine-readable output on stdout — the API's JSON as it is, or the JSON object the command's help
 * describes for commands that compose several answers or have no API behind them — and errors as one
 * JSON line on stderr in the error contract's shape ({@link ErrorJson}). Text meant for people
 * (progress, hints) goes to stderr, so stdout stays parseable.
 */
public final class JsonOption {
  @Option(names = "--json",
      description = "Machine-readable output: JSON on stdout (the API's answer, or the object this command describes);"
          + " errors as one JSON line on stderr ({\"error\": {\"code\", \"message\", ...}}).")
  boolean json;

  public boolean on() {
    return json;
  }

  /** Prints {@code o} on {@code out}, pretty, with a newline, and flushes. */
  public static void print(PrintStream out, JsonObject o) {
    out.println(o.encodePrettily());
    out.flush();
  }
}
