package dev.reach.cli;

import picocli.CommandLine.Option;

/** {@code --api URL} for the client commands; default {@code $REACH_API}, else {@code http://localhost:8080}. */
public final class ApiOptions {
  static final String DEFAULT_API = "http://localhost:8080";

  @Option(names = "--api", paramLabel = "URL",
      description = "The hub's base URL (default: $REACH_API, else " + DEFAULT_API + ").")
  String api;

  public String resolve(Cli cli) {
    if (api != null && !api.isBlank()) {
      return api;
    }
    String env = cli.env().get("REACH_API");
    return env == null || env.isBlank() ? DEFAULT_API : env;
  }

  public ApiClient client(Cli cli) {
    return ApiClient.create(resolve(cli));
  }
}
