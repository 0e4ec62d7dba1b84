package dev.reach.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code reachctl audit export|verify}: the hash-chained event log, exported and checked. */
@Command(
    name = "audit",
    description = "The hash-chained event log: export it as JSON lines, verify an export.",
    subcommands = {AuditExportCommand.class, AuditVerifyCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:API error, incomplete export or a violation found", "2:bad usage", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin JsonOption output;

  /** Without a subcommand: the usage, exit 2. */
  @Override
  public Integer call() {
    return Groups.usage(spec, output);
  }
}
