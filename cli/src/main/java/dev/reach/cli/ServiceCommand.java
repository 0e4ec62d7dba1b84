package dev.reach.cli;

import dev.reach.shared.cluster.ClusterBootstrap;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.health.HealthHttpServer;
import dev.reach.shared.logging.Redactor;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code reachctl service NAME}: one service in this JVM, configured only from the environment,
 * clustered over Hazelcast. SIGTERM stops the service, leaves the cluster and exits 0.
 */
@Command(
    name = "service",
    header = "Run one service (orchestrator, runner, hub or artifact-store) in this JVM.",
    description = {
      "Configured only from REACH_* environment variables, clustered over Hazelcast. SIGTERM (or Ctrl-C) stops"
          + " the service, leaves the cluster and exits 0.",
      "Default HTTP ports (REACH_HTTP_PORT): hub 8080, artifact-store 8090, orchestrator 8091 and runner 8092"
          + " (the last two serve only /health/* and /metrics). Several services on one host need distinct REACH_CLUSTER_PORTs."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped by a signal after running normally",
      "1:the service could not start",
      "2:bad usage or an invalid REACH_* value"},
    footer = {"%n--json: once the service is up, one JSON line on stdout: {\"event\": \"ready\", \"service\", \"cluster\","
        + " \"members\", \"details\", \"health\" (the /health/ready URL, or null for the hub and artifact store, which"
        + " serve it on their own port)}; errors as one JSON line on stderr; logs on stderr as always."},
    mixinStandardHelpOptions = true)
public final class ServiceCommand implements Callable<Integer> {
  private static final Logger LOG = Logger.getLogger(ServiceCommand.class.getName());
  static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  /** Bounds the orderly stop (a runner lets running jobs finish first). */
  static final Duration STOP_TIMEOUT = Duration.ofMinutes(5);
  static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(30);

  private final Cli cli;

  @Parameters(
      index = "0",
      paramLabel = "NAME",
      converter = ServiceKind.Names.class,
      completionCandidates = ServiceKind.Names.class,
      description = "The service: ${COMPLETION-CANDIDATES}.")
  ServiceKind kind;

  @Mixin JsonOption output;

  public ServiceCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    // A bad value stops here, before anything starts (ConfigException: exit 2, naming the variable).
    ReachConfig cfg = ReachConfig.from(cli.env(), kind.defaultHttpPort());
    Redactor.registerEnvironment(cli.env()); // the database password and tokens never reach the log
    StopSignal stop = cli.stopSignals().get();
    Vertx vertx = null;
    try {
      vertx = Futures.await(ClusterBootstrap.start(cfg, kind.memberRole()), START_TIMEOUT,
          "joining the cluster '" + cfg.clusterName() + "' (members " + String.join(",", cfg.clusterMembers()) + ")");
      ReachNode node = ReachNode.of(vertx, cfg);
      AtomicReference<Supplier<String>> where = new AtomicReference<>(() -> "");
      ServiceKind.Running running = Futures.await(kind.deploy(node, where::set), START_TIMEOUT, "starting the " + kind.cliName());
      String health = "";
      if (kind.needsHealthServer()) {
        HealthHttpServer server = new HealthHttpServer(node.health(), cfg.httpHost(), cfg.httpPort());
        Futures.await(vertx.deployVerticle(server), START_TIMEOUT,
            "starting the health endpoints on " + cfg.httpHost() + ":" + cfg.httpPort());
        health = "health on http://" + cfg.httpHost() + ":" + server.actualPort() + "/health/ready";
      }
      String details = where.get().get();
      LOG.info(kind.cliName() + " up: cluster '" + cfg.clusterName() + "' (members " + String.join(",", cfg.clusterMembers())
          + ")" + (details.isEmpty() ? "" : ", " + details) + (health.isEmpty() ? "" : ", " + health));
      if (output.on()) {
        cli.out().println(new JsonObject().put("event", "ready").put("service", kind.cliName())
            .put("cluster", cfg.clusterName()).put("members", new JsonArray(List.copyOf(cfg.clusterMembers())))
            .put("details", details).put("health", health.isEmpty() ? null : health.substring("health on ".length()))
            .encode());
        cli.out().flush();
      }
      stop.await();
      LOG.info(stop.reason() + ": stopping the " + kind.cliName());
      try {
        Futures.await(running.stop(), STOP_TIMEOUT, "stopping the " + kind.cliName());
      } catch (Futures.StepFailedException e) {
        LOG.warning(e.getMessage());
      }
      return ExitCodes.OK;
    } catch (Futures.StepFailedException e) {
      throw new CliException(ExitCodes.FAILED, "reachctl service " + kind.cliName() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.FAILED;
    } finally {
      if (vertx != null) {
        try {
          Futures.await(vertx.close(), LEAVE_TIMEOUT, "leaving the cluster");
          LOG.info(kind.cliName() + " left the cluster");
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, Futures.describe(e));
        }
      }
      stop.finished();
    }
  }
}
