package dev.reach.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code reachctl runners}: the registered runners. */
@Command(
    name = "runners",
    description = "List the registered runners: slots, active jobs, labels, last heartbeat.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed", "1:API error", "2:bad usage", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class RunnersCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin JsonOption output;

  @Mixin ApiOptions api;

  public RunnersCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    JsonObject r = api.client(cli).getJson("/api/v1/runners").body();
    if (output.on()) {
      cli.out().println(r.encodePrettily());
      return ExitCodes.OK;
    }
    cli.out().print(render(r.getJsonArray("runners", new JsonArray())));
    cli.out().flush();
    return ExitCodes.OK;
  }

  static String render(JsonArray runners) {
    if (runners.isEmpty()) {
      return "no runners registered" + System.lineSeparator();
    }
    TextTable t = new TextTable("RUNNER", "SLOTS", "ACTIVE", "LABELS", "LAST HEARTBEAT", "INCARNATION");
    for (int i = 0; i < runners.size(); i++) {
      JsonObject o = runners.getJsonObject(i);
      JsonArray labels = o.getJsonArray("labels", new JsonArray());
      StringBuilder ls = new StringBuilder();
      for (int l = 0; l < labels.size(); l++) {
        ls.append(l == 0 ? "" : ",").append(labels.getValue(l));
      }
      t.row(o.getString("id"), o.getValue("slots"), o.getValue("active"), ls.length() == 0 ? null : ls,
          o.getString("last_heartbeat_at"), o.getString("incarnation"));
    }
    return t.render();
  }
}
