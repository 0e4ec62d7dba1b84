package dev.reach.cli.token;

import dev.reach.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code reachctl token create|list|revoke}: API tokens with roles and runner join tokens (admin). */
@Command(
    name = "token",
    description = "API tokens (roles viewer, submitter, admin) and runner join tokens (role runner): make one, list"
        + " them, revoke one. Needs an admin token.",
    subcommands = {TokenCreateCommand.class, TokenListCommand.class, TokenRevokeCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:API error (e.g. FORBIDDEN, NOT_FOUND)", "2:bad usage (e.g. no token)",
        "3:cannot reach the API"},
    mixinStandardHelpOptions = true)
public final class TokenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Without a subcommand: the usage, exit 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }
}
