package dev.reach.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code reachctl submit FILE.json}: POST /api/v1/runs, prints the run id; with {@code --follow} shows the
 * run's progress and the failing job's log until it has finished ({@link RunFollower}).
 */
@Command(
    name = "submit",
    description = {"Submit a run (a JSON run spec: {\"name\": ..., \"jobs\": [...]}) and print its id.",
        "--follow: show the progress (jobs done/total, running, queued, failed) until the run has finished, follow the"
            + " log of the first failing job, then print the run's final state; exit 0 only if it SUCCEEDED.",
        "--json: the API's answer {\"id\"}; with --follow the run's final JSON (GET /api/v1/runs/ID) once it has"
            + " finished, progress on stderr."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:submitted (with --follow: the run SUCCEEDED)",
        "1:the API refused it (error CODE: message on stderr); with --follow: the run ended FAILED or CANCELLED",
        "2:bad usage or unreadable FILE", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class SubmitCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "FILE", description = "The run spec (JSON); - reads standard input.")
  String file;

  @Option(names = "--idempotency-key", paramLabel = "KEY",
      description = "Submitting again with the same key and body returns the same run instead of a new one.")
  String idempotencyKey;

  @Mixin JsonOption output;

  @Option(names = {"-f", "--follow"},
      description = "Follow the run until it has finished: progress, the failing job's log, the final state.")
  boolean follow;

  @Mixin ApiOptions api;

  public SubmitCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws InterruptedException {
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
    ApiClient client = api.client(cli);
    ApiClient.JsonReply reply = client.postJson("/api/v1/runs", body, headers);
    JsonObject r = reply.body();
    if (follow) {
      String id = r.getString("id", "");
      PrintStream people = output.on() ? cli.err() : cli.out();
      people.println("run " + id + (reply.status() == 200 ? " (an existing run: submitted before with this idempotency key)"
          : " submitted") + "; following it (Ctrl-C stops following, not the run)");
      people.flush();
      return new RunFollower(cli, client, output.on(), RunFollower.isTerminal(cli)).follow(id);
    }
    if (output.on()) {
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
