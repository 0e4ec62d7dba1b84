package dev.reach.cli.token;

import dev.reach.cli.ApiOptions;
import dev.reach.cli.Cli;
import dev.reach.cli.ExitCodes;
import dev.reach.cli.JsonOption;
import dev.reach.cli.TextTable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code reachctl token list}: every token, live or revoked (never a value or hash). */
@Command(
    name = "list",
    description = "List the tokens: id, name, role, origin, made and revoked when and by whom.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:listed", "1:API error", "2:bad usage", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class TokenListCommand implements Callable<Integer> {
  private final Cli cli;

  @Mixin JsonOption output;

  @Mixin ApiOptions api;

  public TokenListCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    JsonObject r = api.client(cli).getJson("/admin/api/tokens", api.adminHeaders(cli)).body();
    if (output.on()) {
      cli.out().println(r.encodePrettily());
      return ExitCodes.OK;
    }
    JsonArray tokens = r.getJsonArray("tokens", new JsonArray());
    TextTable t = new TextTable("ID", "NAME", "ROLE", "ORIGIN", "CREATED", "REVOKED");
    for (int i = 0; i < tokens.size(); i++) {
      JsonObject o = tokens.getJsonObject(i);
      String revoked = o.getString("revoked_at");
      t.row(o.getString("id"), o.getString("name"), o.getString("role"), o.getString("origin"),
          o.getString("created_at"), revoked == null ? null : revoked + " by " + o.getString("revoked_by"));
    }
    cli.out().print(t.render());
    cli.out().flush();
    return ExitCodes.OK;
  }
}
