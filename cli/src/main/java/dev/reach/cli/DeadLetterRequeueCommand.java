package dev.reach.cli;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reachctl dead-letters requeue JOB_ID}: POST /api/v1/dead-letters/{job_id}/requeue, prints the new run's id. */
@Command(
    name = "requeue",
    description = "Run a quarantined job again as a new run that points to the old one (the old run's history is kept as it is); print the new run's id.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:requeued", "1:API error (DEAD_LETTER_NOT_FOUND, INVALID_REQUEST)", "2:bad usage", "3:cannot reach the API"},
    mixinStandardHelpOptions = true)
public final class DeadLetterRequeueCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "JOB_ID", description = "The quarantined job's id.")
  String jobId;

  @Option(names = "--json", description = "Print the whole response instead of the new run's id.")
  boolean json;

  @Mixin ApiOptions api;

  public DeadLetterRequeueCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    JsonObject r = api.client(cli)
        .postJson("/api/v1/dead-letters/" + ApiClient.segment(jobId) + "/requeue", new byte[0], Map.of()).body();
    if (json) {
      cli.out().println(r.encodePrettily());
    } else {
      cli.out().println(r.getString("run_id", ""));
      cli.err().println("(job " + r.getString("requeue_of", jobId) + " of run " + r.getString("requeue_of_run", "?")
          + " requeued as a new run)");
    }
    return ExitCodes.OK;
  }
}
