package dev.reach.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code reachctl dead-letters list|show|requeue}: jobs quarantined after losing too many attempts. */
@Command(
    name = "dead-letters",
    description = "Jobs quarantined after too many lost attempts: list them, show one with its attempts, requeue one as a new run.",
    subcommands = {DeadLetterListCommand.class, DeadLetterShowCommand.class, DeadLetterRequeueCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:API error (e.g. DEAD_LETTER_NOT_FOUND)", "2:bad usage", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class DeadLettersCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin JsonOption output;

  /** Without a subcommand: the usage, exit 2. */
  @Override
  public Integer call() {
    return Groups.usage(spec, output);
  }
}
