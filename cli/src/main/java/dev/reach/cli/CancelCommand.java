package dev.reach.cli;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reachctl cancel RUN_ID}: POST /api/v1/runs/{id}/cancel. */
@Command(
    name = "cancel",
    description = "Cancel a run: queued jobs end CANCELLED, running ones are stopped.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:cancel accepted", "1:API error", "2:bad usage", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class CancelCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run's id.")
  String runId;

  @Mixin JsonOption output;

  @Mixin ApiOptions api;

  public CancelCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    JsonObject r = api.client(cli)
        .postJson("/api/v1/runs/" + ApiClient.segment(runId) + "/cancel", new byte[0], Map.of()).body();
    if (output.on()) {
      cli.out().println(r.encodePrettily());
    } else {
      cli.out().println("run " + r.getString("id", runId) + ": " + r.getString("state", "?") + ", "
          + r.getValue("cancelled_jobs", 0) + " job(s) cancelled");
    }
    return ExitCodes.OK;
  }
}
