package dev.reach.it.compose;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.DockerComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The cluster of {@code docker/docker-compose.yml}, brought up by Testcontainers through the local
 * {@code docker-compose} binary: images built from {@code docker/Dockerfile} and the packaged
 * {@code cli/target/reachctl.jar} ({@code up -d --build}), every service waited for until Docker calls
 * it healthy, the hub published on a free port of 127.0.0.1. {@link #close()} runs {@code down -v} (also
 * from a shutdown hook, so an interrupted run leaves nothing behind) after saving the services' logs to
 * {@code target/compose-logs.txt}.
 *
 * <p>Needs a Docker engine and {@code docker-compose}; without them {@link Condition} skips the tests
 * (with the reason), or, when {@code REACH_REQUIRE_DOCKER=1}, {@link #requireDocker()} fails them. Base images come from
 * {@code REACH_JRE_IMAGE} and {@code REACH_PG_IMAGE} as for a manual {@code docker-compose up}.
 */
final class ComposeCluster implements AutoCloseable {
  static final List<String> SERVICES = List.of(
      "postgres", "orchestrator-1", "orchestrator-2", "hub", "artifact-store", "runner-1", "runner-2", "runner-3");
  /** The first admin token the cluster stores: the drills record their steps and read the audit log with it. */
  static final String ADMIN_TOKEN = "compose-it-admin-token-0123456789";
  static final String JOIN_TOKEN = "compose-it-join-token-0123456789";
  /** The lease TTL of the test cluster: short, so a lost attempt is requeued within seconds. */
  static final long LEASE_TTL_MS = 6_000;
  private static final Duration HEALTHY_TIMEOUT = Duration.ofMinutes(5);

  final Path repo;
  final Path composeFile;
  final int hubPort;
  final Map<String, String> env = new LinkedHashMap<>();
  private final DockerComposeContainer<?> compose;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Thread shutdownHook;
  private DockerClient docker;
  private String project;
  private boolean closed;
  /** Seconds from {@code up} to every service healthy. */
  double upSeconds;

  private static volatile String dockerProblem;

  /**
   * Null when a Docker engine answers and {@code docker-compose} reaches it, else why not (checked once).
   */
  static synchronized String dockerProblem() {
    if (dockerProblem == null) {
      String problem;
      boolean available;
      try {
        available = DockerClientFactory.instance().isDockerAvailable();
      } catch (RuntimeException e) {
        // an engine answers but Testcontainers cannot use it (here: its Ryuk image cannot be pulled
        // unless TESTCONTAINERS_RYUK_DISABLED=true, see the README)
        available = false;
      }
      if (!available) {
        problem = "no Docker engine that Testcontainers can use answers (DOCKER_HOST or /var/run/docker.sock;"
            + " without a registry: TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost)";
      } else {
        problem = composeProblem(findRepo().resolve("docker/docker-compose.yml"));
      }
      dockerProblem = problem == null ? "" : "container tests: " + problem
          + "; on these machines run ../shared/docker-offline/setup.sh first (README, 'docker compose')";
    }
    return dockerProblem.isEmpty() ? null : dockerProblem;
  }

  static boolean dockerRequired() {
    String v = System.getenv("REACH_REQUIRE_DOCKER");
    return "1".equals(v) || "true".equalsIgnoreCase(v);
  }

  /**
   * Skips the tests it is on unless Docker can be had — or, with {@code REACH_REQUIRE_DOCKER=1}, lets
   * them run so that {@link #requireDocker()} fails them.
   */
  static final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String problem = dockerProblem();
      if (problem == null) {
        return ConditionEvaluationResult.enabled("Docker engine and docker-compose answer");
      }
      if (dockerRequired()) {
        return ConditionEvaluationResult.enabled("REACH_REQUIRE_DOCKER=1: fails instead of skipping");
      }
      System.err.println("SKIPPED " + problem);
      return ConditionEvaluationResult.disabled(problem + " — skipped (set REACH_REQUIRE_DOCKER=1 to fail instead)");
    }
  }

  /** Fails (the tests could run only with Docker, and REACH_REQUIRE_DOCKER=1 asks for it) unless Docker can be had. */
  static void requireDocker() {
    String problem = dockerProblem();
    if (problem != null) {
      Assertions.fail(problem + (dockerRequired() ? " — REACH_REQUIRE_DOCKER=1, so this fails instead of skipping" : ""));
    }
  }

  /**
   * Null when {@code docker-compose} runs and reaches the engine it is configured for (it reads
   * DOCKER_HOST itself, which may name another engine than the one Testcontainers found), else why not.
   */
  private static String composeProblem(Path composeFile) {
    try {
      ProcessBuilder probe = new ProcessBuilder("docker-compose", "-p", "reach-it-probe", "-f", composeFile.toString(),
          "ps", "-q").redirectErrorStream(true);
      probe.environment().put("REACH_RUNNER_JOIN_TOKEN", JOIN_TOKEN); // the file requires it, even to list
      Process p = probe.start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "docker-compose did not answer within 60 s";
      }
      if (p.exitValue() != 0) {
        String[] lines = out.split("\n");
        return "docker-compose cannot reach the Docker engine: " + lines[lines.length - 1];
      }
      return null;
    } catch (IOException e) {
      return "docker-compose is not on the PATH (the tests drive docker/docker-compose.yml with it)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  ComposeCluster() throws IOException {
    this.repo = findRepo();
    this.composeFile = repo.resolve("docker/docker-compose.yml");
    Path jar = repo.resolve("cli/target/reachctl.jar");
    if (!Files.isRegularFile(jar)) {
      Assertions.fail(jar + " is missing: the images copy it; run `mvn -B -DskipTests package` first"
          + " (in a reactor build the cli module is packaged before it)");
    }
    this.hubPort = freePort();
    env.put("REACH_HUB_PORT", Integer.toString(hubPort));
    env.put("REACH_IMAGE_TAG", "it"); // leaves the images of a manual `docker-compose up` (tag dev) alone
    env.put("REACH_LEASE_TTL_MS", Long.toString(LEASE_TTL_MS));
    env.put("REACH_TEST_MODE", "true");
    env.put("REACH_ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("REACH_RUNNER_JOIN_TOKEN", JOIN_TOKEN);
    env.put("REACH_HEALTH_INTERVAL", "2s");
    env.put("REACH_RUNNER_STOP_GRACE", "15s");
    env.put("REACH_DRAIN_TIMEOUT_MS", "5000");
    // a paused database counts as down after statement timeout + 1 s = 3 s, under TTL - kill margin = 5 s
    env.put("REACH_DB_STATEMENT_TIMEOUT_MS", "2000");
    env.put("REACH_DB_BREAKER_RESET_MS", "1000");
    env.put("REACH_OUTAGE_RIDE_THROUGH_MS", "40000");
    compose = new DockerComposeContainer<>(composeFile.toFile())
        .withLocalCompose(true)
        .withBuild(true)
        .withPull(false) // images are built or local (REACH_PG_IMAGE); `up` pulls what is missing itself
        .withRemoveVolumes(true)
        .withEnv(env);
    for (String service : SERVICES) {
      compose.waitingFor(service, Wait.forHealthcheck().withStartupTimeout(HEALTHY_TIMEOUT));
    }
    shutdownHook = new Thread(this::close, "compose-down");
  }

  private static Path findRepo() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docker/docker-compose.yml")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("no docker/docker-compose.yml above " + Path.of("").toAbsolutePath());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** {@code up -d --build}, then waits until Docker reports every service healthy. */
  ComposeCluster start() {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    long t0 = System.nanoTime();
    try {
      compose.start();
    } catch (RuntimeException e) {
      printWhyNotHealthy();
      throw e;
    }
    upSeconds = (System.nanoTime() - t0) / 1e9;
    docker = DockerClientFactory.instance().client();
    project = inspect("hub").getConfig().getLabels().get("com.docker.compose.project");
    System.out.printf("COMPOSE project %s: up -d --build to all %d services healthy in %.1f s (hub on 127.0.0.1:%d)%n",
        project, SERVICES.size(), upSeconds, hubPort);
    return this;
  }

  String project() {
    return project;
  }

  /** After a failed start: every container's state and health, and the last log lines of those not healthy. */
  private void printWhyNotHealthy() {
    try {
      var client = DockerClientFactory.instance().client();
      for (Container c : client.listContainersCmd().withShowAll(true)
          .withLabelFilter(List.of("dev.reach.role")).exec()) {
        String name = String.join(",", c.getNames());
        System.out.println("COMPOSE container " + name + ": " + c.getStatus());
        if (!c.getStatus().contains("(healthy)")) {
          Process p = new ProcessBuilder("docker", "logs", "--tail", "60", c.getId()).redirectErrorStream(true).start();
          String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
          p.waitFor(30, TimeUnit.SECONDS);
          System.out.println("COMPOSE last log lines of " + name + ":\n" + out);
        }
      }
    } catch (Exception diag) {
      System.out.println("COMPOSE could not list the containers: " + diag);
    }
  }

  /** The service's container, found by its compose labels (names differ between compose v1 and v2). */
  String containerId(String service) {
    List<Container> found = docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of("com.docker.compose.project", project, "com.docker.compose.service", service))
        .exec();
    if (found.size() != 1) {
      throw new IllegalStateException("expected one container of " + service + " in " + project + ", found " + found.size());
    }
    return found.get(0).getId();
  }

  InspectContainerResponse inspect(String service) {
    ContainerState state = compose.getContainerByServiceName(service)
        .orElseThrow(() -> new IllegalStateException("no container for service " + service));
    return DockerClientFactory.instance().client().inspectContainerCmd(state.getContainerId()).exec();
  }

  /** Docker's health status of the service's container (healthy, unhealthy, starting) or its state when not running. */
  String health(String service) {
    InspectContainerResponse.ContainerState s = docker.inspectContainerCmd(containerId(service)).exec().getState();
    if (!Boolean.TRUE.equals(s.getRunning())) {
      return s.getStatus();
    }
    return s.getHealth() == null ? "no-healthcheck" : s.getHealth().getStatus();
  }

  /** Waits until Docker calls the service healthy (a service may flap under load right after up); seconds it took. */
  double awaitHealthy(String service, Duration timeout) throws InterruptedException {
    long t0 = System.nanoTime();
    long deadline = t0 + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = health(service);
      if ("healthy".equals(last)) {
        return (System.nanoTime() - t0) / 1e9;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(service + " not healthy within " + timeout + " (last: " + last + ")");
  }

  // --- docker-compose commands against the running project

  /** What a command printed: its exit code and its stdout and stderr, apart. */
  record Ran(int code, String out, String err) {}

  /**
   * {@code docker-compose -p PROJECT -f FILE ARGS} with the cluster's environment; killed after
   * {@code timeout}. The output goes through files, so a chatty build never blocks the command.
   */
  Ran compose(Duration timeout, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("docker-compose", "-p", project, "-f", composeFile.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("reach-compose", ".out");
    Path err = Files.createTempFile("reach-compose", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", args) + " did not finish within " + timeout + "; stderr: "
            + Files.readString(err));
      }
      return new Ran(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** reachctl in the tools container ({@code --profile tools run --rm -T reachctl ARGS}). */
  Ran reachctlInCompose(Duration timeout, String... args) throws IOException, InterruptedException {
    List<String> all = new ArrayList<>(List.of("--profile", "tools", "run", "--rm", "-T", "reachctl"));
    all.addAll(List.of(args));
    return compose(timeout, all.toArray(String[]::new));
  }

  /** One value from {@code psql -Atc SQL} in the database container, on {@code database}. */
  String psql(String database, String sql) throws IOException, InterruptedException {
    Ran r = compose(Duration.ofSeconds(60), "exec", "-T", "postgres", "psql", "-U", "reach", "-d", database, "-Atc", sql);
    if (r.code() != 0) {
      throw new AssertionError("psql " + sql + " exited " + r.code() + ": " + r.err());
    }
    return r.out().strip();
  }

  // --- the hub's HTTP API

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hubPort + path))
        .timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A GET that does what the error contract tells a client: a {@code 503} answer is retried after its
   * {@code Retry-After} (at most 10 tries, at most {@code within}); each one is printed, so a degraded
   * moment is seen in the output, not hidden. Any other answer is returned as it is.
   */
  HttpResponse<String> getRetrying503(String path, Duration within) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    HttpResponse<String> r = get(path);
    for (int tryNo = 1; r.statusCode() == 503 && tryNo < 10 && System.nanoTime() < deadline; tryNo++) {
      long waitS = r.headers().firstValueAsLong("Retry-After").orElse(1);
      System.out.printf("COMPOSE GET %s answered 503 (%s); retrying after %d s%n", path, r.body(), waitS);
      Thread.sleep(Math.min(Math.max(waitS, 1), 10) * 1000);
      r = get(path);
    }
    return r;
  }

  /** Submits a run with an idempotency key, retried on 503/504 or no answer as a careful client does; its id. */
  String submit(JsonObject run) throws InterruptedException {
    String key = "it-" + run.getString("name") + "-" + java.util.UUID.randomUUID();
    String last = "nothing";
    for (int tryNo = 0; tryNo < 30; tryNo++) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hubPort + "/api/v1/runs"))
            .timeout(Duration.ofSeconds(15))
            .header("Content-Type", "application/json").header("Idempotency-Key", key)
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString(run.encode())).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 201 || r.statusCode() == 200) {
          return new JsonObject(r.body()).getString("id");
        }
        last = r.statusCode() + ": " + r.body();
        if (r.statusCode() != 503 && r.statusCode() != 504) {
          break;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(1_000);
    }
    throw new AssertionError("submission of " + run.getString("name") + " answered " + last);
  }

  JsonObject run(String id) throws IOException, InterruptedException {
    HttpResponse<String> r = get("/api/v1/runs/" + id);
    if (r.statusCode() != 200) {
      throw new IOException("GET run " + id + " answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }

  /** Saves the services' logs, then {@code docker-compose down -v}. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      saveLogs(repo.resolve("it/target/compose-logs.txt"));
    } catch (RuntimeException e) {
      System.err.println("compose logs not saved: " + e);
    }
    long t0 = System.nanoTime();
    try {
      compose.stop();
      System.out.printf("COMPOSE down -v in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    } catch (RuntimeException e) {
      System.err.println("COMPOSE down failed: " + e);
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException | IllegalArgumentException e) {
        // shutting down already, or never registered
      }
    }
  }

  private void saveLogs(Path to) {
    if (project == null) {
      return;
    }
    try {
      Files.createDirectories(to.getParent());
      List<String> cmd = new ArrayList<>(List.of("docker-compose", "-p", project, "-f", composeFile.toString(),
          "logs", "--no-color", "--timestamps"));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(to.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      System.out.println("COMPOSE logs of project " + project + " in " + to + " (" + Files.size(to) + " bytes)");
    } catch (IOException e) {
      System.err.println("compose logs not saved: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
