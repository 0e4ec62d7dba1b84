package dev.reach.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code reachctl debug dump-state RUN_ID [--json]}: GET /admin/api/runs/{id}/state — the run and job
 * rows, attempts, leases with holders and expiries, each holding runner's own view of its leases and
 * buffered reports, and the run's events.
 */
@Command(
    name = "dump-state",
    description = "Show a run's whole internal state: run and job rows, attempts, lease holders and expiries, the"
        + " runners' own view of their leases and buffered reports, and the run's events.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:shown", "1:API error (RUN_NOT_FOUND)", "2:bad usage (e.g. no token)", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class DumpStateCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run's id.")
  String runId;

  @Mixin JsonOption output;

  @Mixin ApiOptions api;

  public DumpStateCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    JsonObject state = api.client(cli).getJson("/admin/api/runs/" + ApiClient.segment(runId) + "/state",
        api.adminHeaders(cli)).body();
    cli.out().print(output.on() ? state.encodePrettily() + System.lineSeparator() : StateText.render(state));
    return ExitCodes.OK;
  }
}
