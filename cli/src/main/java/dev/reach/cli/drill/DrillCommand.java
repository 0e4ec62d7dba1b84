package dev.reach.cli.drill;

import dev.reach.cli.Groups;
import dev.reach.cli.JsonOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code reachctl drill list|run}: failover drills against a live cluster. */
@Command(
    name = "drill",
    description = "Rehearse failures on a live cluster: inject a fault, wait for recovery, verify the invariants.",
    subcommands = {DrillListCommand.class, DrillRunCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done (run: the drill passed)", "1:the drill failed, or an API error", "2:bad usage",
        "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class DrillCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin JsonOption output;

  @Override
  public Integer call() {
    return Groups.usage(spec, output);
  }
}
