package dev.reach.cli;

import picocli.CommandLine.Model.CommandSpec;

/** What a command that only groups others ({@code admin}, {@code token}, ...) does when run alone. */
public final class Groups {
  private Groups() {}

  /**
   * Its usage on stderr and exit 2; with {@code --json} a usage error naming the subcommands instead
   * (one JSON line on stderr).
   */
  public static int usage(CommandSpec spec, JsonOption output) {
    if (output != null && output.on()) {
      throw new CliException(ExitCodes.USAGE, "a command is needed after '" + spec.qualifiedName() + "', one of "
          + spec.subcommands().keySet());
    }
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }
}
