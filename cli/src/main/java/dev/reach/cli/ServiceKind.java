package dev.reach.cli;

import dev.reach.artifacts.ArtifactStoreService;
import dev.reach.hub.HubService;
import dev.reach.orchestrator.OrchestratorService;
import dev.reach.runner.RunnerService;
import dev.reach.shared.cluster.MemberRole;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Future;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.function.Supplier;
import picocli.CommandLine;

/** The four services {@code reachctl service} can run, with their default HTTP ports. */
public enum ServiceKind {
  ORCHESTRATOR("orchestrator", 8091, true),
  RUNNER("runner", 8092, true),
  HUB("hub", 8080, false),
  ARTIFACT_STORE("artifact-store", 8090, false);

  private final String cliName;
  private final int defaultHttpPort;
  private final boolean needsHealthServer;

  ServiceKind(String cliName, int defaultHttpPort, boolean needsHealthServer) {
    this.cliName = cliName;
    this.defaultHttpPort = defaultHttpPort;
    this.needsHealthServer = needsHealthServer;
  }

  public String cliName() {
    return cliName;
  }

  public int defaultHttpPort() {
    return defaultHttpPort;
  }

  /** True for services without an HTTP server of their own: they get one for {@code /health/*}. */
  public boolean needsHealthServer() {
    return needsHealthServer;
  }

  /** Runners join the cluster as lite members (they own no partitions); the others as data members. */
  public MemberRole memberRole() {
    return this == RUNNER ? MemberRole.LITE : MemberRole.DATA;
  }

  /** A started service, reduced to how it stops. */
  public interface Running {
    Future<Void> stop();
  }

  /** Deploys this service on {@code node}; {@code describe} gives a one-line "where it is" once it is up. */
  Future<Running> deploy(ReachNode node, java.util.function.Consumer<Supplier<String>> describe) {
    return switch (this) {
      case ORCHESTRATOR -> OrchestratorService.deploy(node).map(s -> (Running) s::stop);
      case RUNNER -> RunnerService.deploy(node).map(s -> {
        describe.accept(() -> "runner id " + node.config().runnerId() + ", " + node.config().runnerSlots() + " slots");
        return (Running) s::stop;
      });
      case HUB -> HubService.deploy(node).map(s -> {
        describe.accept(() -> "API on http://" + node.config().httpHost() + ":" + s.httpPort() + "/api/v1");
        return (Running) s::stop;
      });
      case ARTIFACT_STORE -> ArtifactStoreService.deploy(node).map(s -> {
        describe.accept(() -> "serving " + s.baseUrl() + ", data in " + node.config().artifactDir());
        return (Running) s::stop;
      });
    };
  }

  public static ServiceKind parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (ServiceKind k : values()) {
      if (k.cliName.equals(n)) {
        return k;
      }
    }
    throw new CommandLine.TypeConversionException(
        "'" + name + "' is not a service; expected one of: " + String.join(", ", new Names()));
  }

  /** Picocli converter and completion candidates. */
  public static final class Names implements Iterable<String>, CommandLine.ITypeConverter<ServiceKind> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(values()).map(ServiceKind::cliName).iterator();
    }

    @Override
    public ServiceKind convert(String value) {
      return parse(value);
    }
  }
}
