package dev.reach.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code reachctl dev}: all of Reach in one JVM with an embedded Postgres ({@link LocalCluster}). */
@Command(
    name = "dev",
    header = "Run all of Reach in this JVM with an embedded Postgres (local mode).",
    description = "Runs an embedded Postgres, a one-member cluster on 127.0.0.1 (a cluster name of its own, so it"
        + " never joins another), the orchestrator, the artifact store, runners and the hub. Other REACH_* variables"
        + " still apply. Ctrl-C or SIGTERM stops everything and exits 0.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped by a signal after running normally",
      "1:local mode could not start",
      "2:bad usage or an invalid REACH_* value"},
    footer = {"%n--json: when everything is up, one JSON line on stdout: {\"event\": \"ready\", \"url\", \"api\","
        + " \"port\", \"database\", \"data_dir\", \"data_dir_temporary\", \"runners\", \"slots\", \"artifact_store\","
        + " \"auth\"}; errors as one JSON line on stderr; logs, and a generated admin token, on stderr."},
    mixinStandardHelpOptions = true)
public final class DevCommand implements Callable<Integer> {
  private static final Logger LOG = Logger.getLogger(DevCommand.class.getName());
  private final Cli cli;

  @Spec CommandSpec spec;

  int port = 8080;
  int slots = 2;
  int runners = 2;

  @Option(names = "--auth",
      description = "Turn auth on as in a deployment: every API request needs a token with a role; REACH_ADMIN_TOKEN"
          + " (if set) is the first admin token, else one is generated and printed once. Default: off.")
  boolean auth;

  @Mixin JsonOption output;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Keep the database, artifacts and runner state here across restarts (default: a fresh temporary directory removed at exit).")
  Path dataDir;

  public DevCommand(Cli cli) {
    this.cli = cli;
  }

  @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
      description = "The hub's HTTP port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  void port(int value) {
    this.port = range("--port", value, 0, 65535);
  }

  @Option(names = "--slots", paramLabel = "N", defaultValue = "2",
      description = "Job slots per runner (default: ${DEFAULT-VALUE}).")
  void slots(int value) {
    this.slots = range("--slots", value, 1, 1024);
  }

  @Option(names = "--runners", paramLabel = "N", defaultValue = "2",
      description = "How many runners (default: ${DEFAULT-VALUE}; 0 runs none).")
  void runners(int value) {
    this.runners = range("--runners", value, 0, 64);
  }

  private int range(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "Invalid value for option '" + option + "': " + value + " is not between " + min + " and " + max);
    }
    return value;
  }

  /**
   * Starts local mode. With {@code --json} stdout is kept for the JSON line: what the services print on
   * standard output while they start (the generated first admin token's banner) goes to stderr instead.
   */
  private LocalCluster start(LocalCluster.Options options) {
    if (!output.on()) {
      return LocalCluster.start(options);
    }
    PrintStream stdout = System.out;
    System.setOut(cli.err());
    try {
      return LocalCluster.start(options);
    } finally {
      System.setOut(stdout);
    }
  }

  @Override
  public Integer call() {
    LocalCluster.Options options = LocalCluster.options()
        .env(cli.env()).port(port).slots(slots).runners(runners).dataDir(dataDir).auth(auth);
    StopSignal stop = cli.stopSignals().get();
    try {
      LocalCluster cluster;
      try {
        // ConfigException (a bad REACH_* value) passes through: exit 2, naming the variable.
        cluster = start(options);
      } catch (LocalCluster.LocalClusterException e) {
        throw new CliException(ExitCodes.FAILED, "reachctl dev: could not start: " + e.getMessage(), e);
      }
      try {
        int p = cluster.hubPort();
        // REACH_HTTP_TLS_CERT was validated with its key: set, the hub serves HTTPS
        String scheme = cli.env().getOrDefault("REACH_HTTP_TLS_CERT", "").isBlank() ? "http" : "https";
        if (output.on()) {
          // one JSON line on stdout once everything is up (a script waits for it); the rest goes to stderr
          cli.out().println(new JsonObject().put("event", "ready").put("url", scheme + "://127.0.0.1:" + p + "/")
              .put("api", scheme + "://127.0.0.1:" + p + "/api/v1").put("port", p).put("database", cluster.dbUrl())
              .put("data_dir", cluster.dataDir().toString()).put("data_dir_temporary", cluster.temporaryDataDir())
              .put("runners", cluster.runnerCount()).put("slots", slots).put("artifact_store", cluster.artifactStoreUrl())
              .put("auth", auth).encode());
          cli.out().flush();
          if (!auth) {
            cli.err().println("WARNING: AUTH IS OFF (reachctl dev --auth turns it on)");
          }
        } else {
        cli.out().printf("Reach is up: %s://127.0.0.1:%d/ (API %s://127.0.0.1:%d/api/v1/runs)%n", scheme, p, scheme, p);
        cli.out().printf("Database: %s (data in %s%s)%n", cluster.dbUrl(), cluster.dataDir(),
            cluster.temporaryDataDir() ? ", removed at exit" : "");
        cli.out().printf("Runners: %s; artifact store %s. Ctrl-C stops.%n",
            cluster.runnerCount() == 0 ? "none" : cluster.runnerCount() + " with " + slots + " slots each",
            cluster.artifactStoreUrl());
        if (auth) {
          cli.out().printf("Auth: ON. Every API request needs 'Authorization: Bearer <token>'; make tokens with"
              + " 'reachctl token create --name N --role viewer|submitter|admin' (an admin token: %s).%n",
              cli.env().get("REACH_ADMIN_TOKEN") == null ? "the one printed above" : "REACH_ADMIN_TOKEN");
        } else {
          cli.out().println("WARNING: AUTH IS OFF. Anyone who can reach http://127.0.0.1:" + p + " can submit"
              + " commands that run as this user; the admin API still needs an admin token. Use --auth to turn it on.");
        }
        }
        cli.out().flush();
        stop.await();
        LOG.info(stop.reason() + ": stopping local mode");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        cluster.close();
      }
      return ExitCodes.OK;
    } finally {
      stop.finished();
    }
  }
}
