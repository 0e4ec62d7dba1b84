package dev.reach.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reachctl submit FILE.json}: POST /api/v1/runs, prints the run id. */
@Command(
    name = "submit",
    description = "Submit a run (a JSON run spec: {\"name\": ..., \"jobs\": [...]}) and print its id.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:submitted", "1:the API refused it (error CODE: message on stderr)", "2:bad usage or unreadable FILE", "3:cannot reach the API"},
    mixinStandardHelpOptions = true)
public final class SubmitCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "FILE", description = "The run spec (JSON); - reads standard input.")
  String file;

  @Option(names = "--idempotency-key", paramLabel = "KEY",
      description = "Submitting again with the same key and body returns the same run instead of a new one.")
  String idempotencyKey;

  @Option(names = "--json", description = "Print the whole response instead of the run id.")
  boolean json;

  @Mixin ApiOptions api;

  public SubmitCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    byte[] body;
    try {
      body = "-".equals(file) ? cli.in().readAllBytes() : Files.readAllBytes(Path.of(file));
    } catch (IOException | RuntimeException e) {
      throw new CliException(ExitCodes.USAGE, "cannot read " + ("-".equals(file) ? "standard input" : file) + ": " + Futures.describe(e));
    }
    Map<String, String> headers = new HashMap<>();
    if (idempotencyKey != null) {
      headers.put("Idempotency-Key", idempotencyKey);
    }
    ApiClient.JsonReply reply = api.client(cli).postJson("/api/v1/runs", body, headers);
    JsonObject r = reply.body();
    if (json) {
      cli.out().println(r.encodePrettily());
    } else {
      cli.out().println(r.getString("id", ""));
      if (reply.status() == 200) {
        cli.err().println("(an existing run: submitted before with this idempotency key)");
      }
    }
    return ExitCodes.OK;
  }
}
