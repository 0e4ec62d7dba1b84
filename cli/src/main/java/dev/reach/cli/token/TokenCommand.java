package dev.reach.cli.token;

import dev.reach.cli.Groups;
import dev.reach.cli.JsonOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
        "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class TokenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin JsonOption output;

  /** Without a subcommand: the usage, exit 2. */
  @Override
  public Integer call() {
    return Groups.usage(spec, output);
  }
}
