package dev.reach.cli;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --api URL}, {@code --token T} and {@code --ca-cert FILE} for the client commands: the hub's URL
 * (default {@code $REACH_API}, else {@code http://localhost:8080}); the API token sent with every request
 * (default {@code $REACH_TOKEN}, else {@code $REACH_ADMIN_TOKEN}; never printed) — with auth on, reads need
 * a viewer token, submitting and cancelling a submitter token, the admin commands an admin token; and the
 * PEM CA certificate an {@code https://} hub's certificate is checked against instead of the JDK's public
 * CAs (default {@code $REACH_CA_CERT}).
 */
public final class ApiOptions {
  static final String DEFAULT_API = "http://localhost:8080";

  @Option(names = "--api", paramLabel = "URL",
      description = "The hub's base URL (default: $REACH_API, else " + DEFAULT_API + ").")
  String api;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "An API token, sent as Authorization: Bearer (default: $REACH_TOKEN, else $REACH_ADMIN_TOKEN).")
  String token;

  @Option(names = "--ca-cert", paramLabel = "FILE",
      description = "PEM CA certificate to trust for an https:// hub (default: $REACH_CA_CERT, else the JDK's CAs).")
  Path caCert;

  public String resolve(Cli cli) {
    if (api != null && !api.isBlank()) {
      return api;
    }
    String env = cli.env().get("REACH_API");
    return env == null || env.isBlank() ? DEFAULT_API : env;
  }

  public ApiClient client(Cli cli) {
    if (caCert != null) {
      return ApiClient.create(resolve(cli), token(cli), CaTrust.sslContext(caCert, "--ca-cert"));
    }
    String env = cli.env().get("REACH_CA_CERT");
    if (env != null && !env.isBlank()) {
      return ApiClient.create(resolve(cli), token(cli), CaTrust.sslContext(Path.of(env.strip()), "REACH_CA_CERT"));
    }
    return ApiClient.create(resolve(cli), token(cli), null);
  }

  /** The token given, else {@code $REACH_TOKEN}, else {@code $REACH_ADMIN_TOKEN}; null when none. */
  public String token(Cli cli) {
    if (token != null && !token.isBlank()) {
      return token.strip();
    }
    for (String name : new String[] {"REACH_TOKEN", "REACH_ADMIN_TOKEN"}) {
      String env = cli.env().get(name);
      if (env != null && !env.isBlank()) {
        return env.strip();
      }
    }
    return null;
  }

  /** The authorization header for the admin API; without a token a usage error (exit 2). */
  public Map<String, String> adminHeaders(Cli cli) {
    String t = token(cli);
    if (t == null) {
      throw new CliException(ExitCodes.USAGE, "the admin API needs an admin token: pass --token or set REACH_TOKEN"
          + " or REACH_ADMIN_TOKEN");
    }
    return Map.of("Authorization", "Bearer " + t);
  }
}
