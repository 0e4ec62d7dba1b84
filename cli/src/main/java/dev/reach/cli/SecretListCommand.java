package dev.reach.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code reachctl secret list --environment ENV}: the environment's secret names and update times (never values). */
@Command(
    name = "list",
    description = "List an environment's secret names and when each was last set (values are never shown).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed", "1:API error", "2:bad usage", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class SecretListCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(names = "--environment", paramLabel = "ENV", defaultValue = "default", description = "The environment (default: default).")
  String environment;

  @Mixin JsonOption output;

  @Mixin ApiOptions api;

  public SecretListCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    JsonObject r = api.client(cli).getJson(SecretCommand.path(environment, null), api.adminHeaders(cli)).body();
    if (output.on()) {
      cli.out().println(r.encodePrettily());
      return ExitCodes.OK;
    }
    TextTable t = new TextTable("NAME", "UPDATED", "KEY");
    JsonArray list = r.getJsonArray("secrets", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      JsonObject s = list.getJsonObject(i);
      t.row(s.getString("name"), s.getString("updated_at"), s.getString("key_id"));
    }
    cli.out().print(t.render());
    return ExitCodes.OK;
  }
}
