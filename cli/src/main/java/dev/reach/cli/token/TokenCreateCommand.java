package dev.reach.cli.token;

import dev.reach.cli.ApiOptions;
import dev.reach.cli.Cli;
import dev.reach.cli.CliException;
import dev.reach.cli.ExitCodes;
import dev.reach.cli.JsonOption;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code reachctl token create --name N --role R}: {@code POST /admin/api/tokens}; prints the new token
 * once on standard output (the only time it can be seen; only its hash is kept) and its id on standard error.
 */
@Command(
    name = "create",
    description = "Make a token. Its value is printed once, on standard output; keep it.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:made", "1:API error", "2:bad usage", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class TokenCreateCommand implements Callable<Integer> {
  static final Set<String> ROLES = Set.of("viewer", "submitter", "admin", "runner");
  private final Cli cli;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "Who or what the token is for.")
  String name;

  @Option(names = "--role", required = true, paramLabel = "ROLE",
      description = "viewer (reads), submitter (submits, cancels its own runs), admin (everything), runner (a join"
          + " token for REACH_RUNNER_JOIN_TOKEN).")
  String role;

  @Mixin JsonOption output;

  @Mixin ApiOptions api;

  public TokenCreateCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    if (!ROLES.contains(role)) {
      throw new CliException(ExitCodes.USAGE, "--role must be one of viewer, submitter, admin, runner");
    }
    byte[] body = new JsonObject().put("name", name).put("role", role).toBuffer().getBytes();
    JsonObject t = api.client(cli).postJson("/admin/api/tokens", body, api.adminHeaders(cli)).body();
    if (output.on()) {
      cli.out().println(t.encodePrettily());
    } else {
      cli.out().println(t.getString("token"));
      cli.err().println("(token " + t.getString("id") + ", " + t.getString("role") + " '" + t.getString("name")
          + "': shown once, stored hashed)");
    }
    return ExitCodes.OK;
  }
}
