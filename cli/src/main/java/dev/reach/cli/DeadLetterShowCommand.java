package dev.reach.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reachctl dead-letters show JOB_ID}: GET /api/v1/dead-letters/{job_id}. */
@Command(
    name = "show",
    description = "Show a dead letter: the job, its command, why it was quarantined, each attempt and why it was lost, and the runs that requeued it.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:shown", "1:API error (DEAD_LETTER_NOT_FOUND, INVALID_REQUEST)", "2:bad usage", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class DeadLetterShowCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "JOB_ID", description = "The quarantined job's id.")
  String jobId;

  @Mixin JsonOption output;

  @Mixin ApiOptions api;

  public DeadLetterShowCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    JsonObject r = api.client(cli).getJson("/api/v1/dead-letters/" + ApiClient.segment(jobId)).body();
    cli.out().print(output.on() ? r.encodePrettily() + System.lineSeparator() : render(r));
    cli.out().flush();
    return ExitCodes.OK;
  }

  static String render(JsonObject l) {
    String nl = System.lineSeparator();
    StringBuilder sb = new StringBuilder();
    sb.append("dead letter ").append(l.getString("job_id", "?"))
        .append(": job ").append(l.getString("job_name", "?"))
        .append(" of run ").append(l.getString("run_id", "?")).append(nl);
    sb.append("quarantined at ").append(l.getString("quarantined_at", "?"))
        .append(" (").append(l.getString("reason", "?")).append(')').append(nl);
    JsonObject spec = l.getJsonObject("spec");
    if (spec != null && spec.getString("command") != null) {
      sb.append("command: ").append(spec.getString("command")).append(nl);
    }
    sb.append("requeued as: ").append(joined(l.getJsonArray("requeued_runs"))).append(nl);
    JsonArray attempts = l.getJsonArray("attempts", new JsonArray());
    if (attempts.isEmpty()) {
      return sb.append("no attempts").append(nl).toString();
    }
    TextTable t = new TextTable("ATTEMPT", "STATE", "RUNNER", "INCARNATION", "TOKEN", "EXIT", "REASON", "ENDED AT");
    for (int i = 0; i < attempts.size(); i++) {
      JsonObject a = attempts.getJsonObject(i);
      t.row("#" + a.getValue("number", "?"), a.getString("state"), a.getString("runner"), a.getString("incarnation"),
          a.getValue("token"), a.getValue("exit_code"), a.getString("reason"), a.getString("ended_at"));
    }
    return sb.append(t.render()).toString();
  }

  /** The run ids comma-separated, or {@code -} for none. */
  static String joined(JsonArray ids) {
    if (ids == null || ids.isEmpty()) {
      return "-";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < ids.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(ids.getValue(i));
    }
    return sb.toString();
  }
}
