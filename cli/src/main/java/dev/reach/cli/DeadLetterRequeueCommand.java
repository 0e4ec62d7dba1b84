package dev.reach.cli;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code reachctl dead-letters requeue JOB_ID [--reason R] [--token T]}: POST
 * /api/v1/dead-letters/{job_id}/requeue (with an admin token: /admin/api/dead-letters/{job_id}/requeue,
 * so the event names the token), prints the new run's id.
 */
@Command(
    name = "requeue",
    description = "Run a quarantined job again as a new run that points to the old one (the old run's history is kept as it is); print the new run's id.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:requeued", "1:API error (DEAD_LETTER_NOT_FOUND, INVALID_REQUEST)", "2:bad usage", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class DeadLetterRequeueCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "JOB_ID", description = "The quarantined job's id.")
  String jobId;

  @Mixin JsonOption output;

  @Option(names = "--reason", paramLabel = "R", description = "Why the job is requeued (recorded in the event log).")
  String reason;

  @Mixin ApiOptions api;

  public DeadLetterRequeueCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    String admin = api.token(cli);
    String path = (admin == null ? "/api/v1" : "/admin/api") + "/dead-letters/" + ApiClient.segment(jobId) + "/requeue";
    byte[] body = reason == null ? new byte[0] : new JsonObject().put("reason", reason).toBuffer().getBytes();
    JsonObject r = api.client(cli)
        .postJson(path, body, admin == null ? Map.of() : Map.of("Authorization", "Bearer " + admin)).body();
    if (output.on()) {
      cli.out().println(r.encodePrettily());
    } else {
      cli.out().println(r.getString("run_id", ""));
      cli.err().println("(job " + r.getString("requeue_of", jobId) + " of run " + r.getString("requeue_of_run", "?")
          + " requeued as a new run)");
    }
    return ExitCodes.OK;
  }
}
