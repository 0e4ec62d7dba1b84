package dev.reach.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code reachctl admin ...}: operations on the admin API (an admin token is needed). */
@Command(
    name = "admin",
    description = "Administrative operations through the hub's admin API (needs an admin token).",
    subcommands = {RebuildProjectionsCommand.class, dev.reach.cli.backup.BackupCommand.class,
        dev.reach.cli.backup.RestoreCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:API error", "2:bad usage (e.g. no token)", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class AdminCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin JsonOption output;

  /** Without a subcommand: the usage, exit 2. */
  @Override
  public Integer call() {
    return Groups.usage(spec, output);
  }
}
