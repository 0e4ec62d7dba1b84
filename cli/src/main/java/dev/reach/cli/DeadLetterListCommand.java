package dev.reach.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code reachctl dead-letters list [--limit N]}: GET /api/v1/dead-letters, newest first. */
@Command(
    name = "list",
    description = "List dead letters, newest first: job, run, when and why it was quarantined, lost attempts, requeued runs.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed", "1:API error", "2:bad usage", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class DeadLetterListCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(names = "--limit", paramLabel = "N", description = "At most N dead letters (1 to 500; the API's default is 50).")
  Integer limit;

  @Mixin JsonOption output;

  @Mixin ApiOptions api;

  public DeadLetterListCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    String path = "/api/v1/dead-letters" + (limit == null ? "" : "?limit=" + limit);
    JsonObject r = api.client(cli).getJson(path).body();
    if (output.on()) {
      cli.out().println(r.encodePrettily());
      return ExitCodes.OK;
    }
    cli.out().print(render(r.getJsonArray("dead_letters", new JsonArray())));
    cli.out().flush();
    return ExitCodes.OK;
  }

  static String render(JsonArray letters) {
    if (letters.isEmpty()) {
      return "no dead letters" + System.lineSeparator();
    }
    TextTable t = new TextTable("JOB ID", "JOB", "RUN", "QUARANTINED AT", "REASON", "LOST", "REQUEUED AS");
    for (int i = 0; i < letters.size(); i++) {
      JsonObject l = letters.getJsonObject(i);
      t.row(l.getString("job_id"), l.getString("job_name"), l.getString("run_id"), l.getString("quarantined_at"),
          l.getString("reason"), l.getValue("lost_attempts"), DeadLetterShowCommand.joined(l.getJsonArray("requeued_runs")));
    }
    return t.render();
  }
}
