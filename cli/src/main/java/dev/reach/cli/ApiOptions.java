package dev.reach.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --api URL} for the client commands; default {@code $REACH_API}, else {@code http://localhost:8080}.
 * {@code --ca-cert FILE} (default {@code $REACH_CA_CERT}): the PEM CA certificate an {@code https://} hub's
 * certificate is checked against instead of the JDK's public CAs.
 */
public final class ApiOptions {
  static final String DEFAULT_API = "http://localhost:8080";

  @Option(names = "--api", paramLabel = "URL",
      description = "The hub's base URL (default: $REACH_API, else " + DEFAULT_API + ").")
  String api;

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
      return ApiClient.create(resolve(cli), CaTrust.sslContext(caCert, "--ca-cert"));
    }
    String env = cli.env().get("REACH_CA_CERT");
    if (env != null && !env.isBlank()) {
      return ApiClient.create(resolve(cli), CaTrust.sslContext(Path.of(env.strip()), "REACH_CA_CERT"));
    }
    return ApiClient.create(resolve(cli));
  }
}
