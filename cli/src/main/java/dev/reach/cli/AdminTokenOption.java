package dev.reach.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --token T} for the admin API; default {@code $REACH_ADMIN_TOKEN}. Sent as {@code Authorization: Bearer T}. */
public final class AdminTokenOption {
  @Option(names = "--token", paramLabel = "TOKEN",
      description = "An admin API token (default: $REACH_ADMIN_TOKEN).")
  String token;

  /** The token given or from the environment, or null. */
  String resolve(Cli cli) {
    if (token != null && !token.isBlank()) {
      return token.strip();
    }
    String env = cli.env().get("REACH_ADMIN_TOKEN");
    return env == null || env.isBlank() ? null : env.strip();
  }

  /** The authorization header; without a token a usage error (exit 2). */
  public Map<String, String> required(Cli cli) {
    String t = resolve(cli);
    if (t == null) {
      throw new CliException(ExitCodes.USAGE, "the admin API needs a token: pass --token or set REACH_ADMIN_TOKEN");
    }
    return Map.of("Authorization", "Bearer " + t);
  }
}
