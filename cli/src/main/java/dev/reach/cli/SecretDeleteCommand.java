package dev.reach.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reachctl secret delete --environment ENV NAME}: removes one environment secret. */
@Command(
    name = "delete",
    description = "Delete one secret of an environment.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:deleted", "1:API error (NOT_FOUND)", "2:bad usage", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class SecretDeleteCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(names = "--environment", paramLabel = "ENV", defaultValue = "default", description = "The environment (default: default).")
  String environment;

  @Parameters(paramLabel = "NAME", description = "The secret's name.")
  String name;

  @Mixin ApiOptions api;

  @Mixin JsonOption output;

  public SecretDeleteCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    JsonObject r = api.client(cli).sendJson("DELETE", SecretCommand.path(environment, name), null, api.adminHeaders(cli)).body();
    if (output.on()) {
      JsonOption.print(cli.out(), r);
      return ExitCodes.OK;
    }
    cli.out().println("secret " + name + " deleted from environment " + environment);
    return ExitCodes.OK;
  }
}
