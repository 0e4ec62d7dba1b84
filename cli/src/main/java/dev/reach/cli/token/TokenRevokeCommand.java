package dev.reach.cli.token;

import dev.reach.cli.ApiClient;
import dev.reach.cli.ApiOptions;
import dev.reach.cli.Cli;
import dev.reach.cli.ExitCodes;
import dev.reach.cli.JsonOption;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code reachctl token revoke ID}: {@code POST /admin/api/tokens/{id}/revoke}. A revoked API token gets
 * 401 from then on; a revoked join token's runners get no more work (within seconds).
 */
@Command(
    name = "revoke",
    description = "Revoke a token by its id (see 'token list'). Revoking a join token stops its runners getting work.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:revoked (or was already)", "1:API error (NOT_FOUND)", "2:bad usage", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class TokenRevokeCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "ID", description = "The token's id.")
  String id;

  @Mixin JsonOption output;

  @Mixin ApiOptions api;

  public TokenRevokeCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    JsonObject r = api.client(cli).postJson("/admin/api/tokens/" + ApiClient.segment(id) + "/revoke", new byte[0],
        api.adminHeaders(cli)).body();
    if (output.on()) {
      cli.out().println(r.encodePrettily());
    } else {
      cli.out().println("revoked " + r.getString("id") + " (" + r.getString("role") + " '" + r.getString("name")
          + "') at " + r.getString("revoked_at") + " by " + r.getString("revoked_by"));
    }
    return ExitCodes.OK;
  }
}
