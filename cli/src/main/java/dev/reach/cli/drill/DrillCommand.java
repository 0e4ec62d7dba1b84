package dev.reach.cli.drill;

import dev.reach.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code reachctl drill list|run}: failover drills against a live cluster. */
@Command(
    name = "drill",
    description = "Rehearse failures on a live cluster: inject a fault, wait for recovery, verify the invariants.",
    subcommands = {DrillListCommand.class, DrillRunCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done (run: the drill passed)", "1:the drill failed, or an API error", "2:bad usage",
        "3:cannot reach the API"},
    mixinStandardHelpOptions = true)
public final class DrillCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }
}
