package dev.reach.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --token T} for the admin API; default {@code $REACH_ADMIN_TOKEN}. Never printed. */
public final class AdminTokenOptions {
  @Option(names = "--token", paramLabel = "TOKEN",
      description = "An admin token for the hub's admin API (default: $REACH_ADMIN_TOKEN).")
  String token;

  /** The {@code Authorization} header to send, or none when no token is given. */
  Map<String, String> headers(Cli cli) {
    String t = token != null && !token.isBlank() ? token : cli.env().get("REACH_ADMIN_TOKEN");
    return t == null || t.isBlank() ? Map.of() : Map.of("Authorization", "Bearer " + t.strip());
  }
}
