package dev.reach.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code reachctl tls dev-ca}: certificates for event-bus mutual TLS and the hub's HTTPS. */
@Command(
    name = "tls",
    description = "Certificates for transport security: a development CA and member certificates.",
    subcommands = {TlsDevCaCommand.class},
    mixinStandardHelpOptions = true)
public final class TlsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin JsonOption output;

  /** Without a subcommand: the usage, exit 2. */
  @Override
  public Integer call() {
    return Groups.usage(spec, output);
  }
}
