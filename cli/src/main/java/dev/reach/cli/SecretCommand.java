package dev.reach.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code reachctl secret set|list|delete --environment ENV [NAME]}: secrets stored per environment (admin). */
@Command(
    name = "secret",
    description = "Secrets stored per environment (admin token): set one (value from stdin or --value-file, never the"
        + " command line), list names, delete one. Every run in the environment gets them as environment variables.",
    subcommands = {SecretSetCommand.class, SecretListCommand.class, SecretDeleteCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:API error (e.g. SECRETS_NOT_CONFIGURED)", "2:bad usage", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class SecretCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin JsonOption output;

  @Override
  public Integer call() {
    return Groups.usage(spec, output);
  }

  /** The path of one environment's secrets (names are checked by the server; these are URL-safe by their patterns). */
  static String path(String environment, String name) {
    String base = "/admin/api/environments/" + java.net.URLEncoder.encode(environment, java.nio.charset.StandardCharsets.UTF_8)
        + "/secrets";
    return name == null ? base : base + "/" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8);
  }
}
