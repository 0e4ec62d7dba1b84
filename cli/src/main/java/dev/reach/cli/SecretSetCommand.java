package dev.reach.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code reachctl secret set --environment ENV NAME [--value-file PATH]}: PUT one environment secret.
 * The value comes from the file or stdin (one trailing newline dropped), never from the command line,
 * so it is in no shell history and no process list.
 */
@Command(
    name = "set",
    description = "Store (or replace) one secret of an environment; the value is read from --value-file or stdin.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stored", "1:API error", "2:bad usage (empty value)", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class SecretSetCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(names = "--environment", paramLabel = "ENV", defaultValue = "default", description = "The environment (default: default).")
  String environment;

  @Option(names = "--value-file", paramLabel = "PATH", description = "Read the value from this file instead of stdin.")
  Path valueFile;

  @Parameters(paramLabel = "NAME", description = "The secret's name (the job's environment variable).")
  String name;

  @Mixin ApiOptions api;

  @Mixin JsonOption output;

  public SecretSetCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws IOException {
    byte[] raw;
    try {
      raw = valueFile == null ? cli.in().readAllBytes() : Files.readAllBytes(valueFile);
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, "cannot read " + (valueFile == null ? "standard input" : valueFile) + ": "
          + Futures.describe(e), e);
    }
    String value = new String(raw, StandardCharsets.UTF_8);
    if (value.endsWith("\r\n")) {
      value = value.substring(0, value.length() - 2);
    } else if (value.endsWith("\n")) {
      value = value.substring(0, value.length() - 1);
    }
    if (value.isEmpty()) {
      throw new CliException(ExitCodes.USAGE, "the secret's value is empty (give it on stdin or with --value-file)");
    }
    JsonObject r = api.client(cli).sendJson("PUT", SecretCommand.path(environment, name),
        new JsonObject().put("value", value).toBuffer().getBytes(), api.adminHeaders(cli)).body();
    if (output.on()) {
      JsonOption.print(cli.out(), r);
      return ExitCodes.OK;
    }
    cli.out().println("secret " + r.getString("name") + " set in environment " + r.getString("environment")
        + " at " + r.getString("updated_at"));
    return ExitCodes.OK;
  }
}
