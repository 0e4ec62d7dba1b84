package dev.reach.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Local mode in this JVM: embedded Postgres, a one-member cluster and the services. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LocalClusterTest {
  static final Map<String, String> ENV = Map.of("REACH_TEST_MODE", "true");
  static final String SPEC = "{\"name\":\"smoke\",\"jobs\":[{\"name\":\"hello\",\"command\":\"echo hello\"}]}";

  @TempDir Path tmp;
  private Path tempRoot;
  private LocalCluster cluster;
  private Integer dbPort;
  private ExecutorService executor;
  private Set<String> threadsBefore;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void setUp() throws IOException {
    tempRoot = Files.createDirectories(tmp.resolve("temp-root"));
    threadsBefore = liveThreadNames();
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (executor != null) {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(90, TimeUnit.SECONDS)).isTrue();
    }
    // Nothing of the cluster is left: no temporary data, no Postgres listening, no Vert.x or Hazelcast threads.
    try (Stream<Path> left = Files.list(tempRoot)) {
      assertThat(left).as("temporary data dirs left behind").isEmpty();
    }
    if (dbPort != null) {
      assertThat(listening(dbPort)).as("Postgres still listening on " + dbPort).isFalse();
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(leakedThreads()).isEmpty());
  }

  private static Set<String> liveThreadNames() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toSet());
  }

  /**
   * Threads of Vert.x, Hazelcast or the runner started since the test began. vertx-hazelcast 5.0.10 never shuts down the executor of its (idle, daemon) throttling
   * thread when the cluster manager leaves; that one is not ours to stop.
   */
  private Set<String> leakedThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> !threadsBefore.contains(t.getName()))
        .filter(t -> !t.getName().equals("vertx-hazelcast-service-throttling-thread"))
        .filter(t -> t.getName().startsWith("vert.x-") || t.getName().startsWith("vertx-")
            || t.getName().startsWith("hz.") || t.getName().startsWith("reach-"))
        .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : ""))
        .collect(Collectors.toSet());
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return s.isConnected();
    } catch (IOException e) {
      return false;
    }
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private LocalCluster start(LocalCluster.Options o) {
    cluster = LocalCluster.start(o.env(ENV).tempRoot(tempRoot));
    dbPort = cluster.dbPort();
    return cluster;
  }

  @Test
  void startsIsReadyAndAcceptsARun() throws Exception {
    LocalCluster c = start(LocalCluster.options().port(0).runners(0));
    assertThat(c.hubPort()).isPositive();
    assertThat(c.dbUrl()).startsWith("postgresql://postgres@127.0.0.1:").endsWith("/reach").doesNotContain(":***");
    assertThat(c.dataDir()).startsWith(tempRoot);
    assertThat(c.clusterName()).startsWith("reach-dev-" + ProcessHandle.current().pid());
    assertThat(c.vertx().isClustered()).isTrue();

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(get(c.apiUrl() + "/health/ready").statusCode()).isEqualTo(200));
    assertThat(get(c.apiUrl() + "/health/live").statusCode()).isEqualTo(200);

    Path spec = Files.writeString(tmp.resolve("run.json"), SPEC);
    CliHarness submit = new CliHarness();
    assertThat(submit.run("submit", spec.toString(), "--api", c.apiUrl())).as(submit.err()).isEqualTo(0);
    String runId = submit.out().strip();
    assertThat(runId).isNotEmpty();

    HttpResponse<String> run = get(c.apiUrl() + "/api/v1/runs/" + runId);
    assertThat(run.statusCode()).isEqualTo(200);
    assertThat(run.body()).contains(runId, "\"hello\"");

    CliHarness status = new CliHarness();
    assertThat(status.run("status", runId, "--api", c.apiUrl())).as(status.err()).isEqualTo(0);
    assertThat(status.out()).startsWith("run " + runId + " (smoke): ").contains("hello");

    CliHarness runners = new CliHarness();
    assertThat(runners.run("runners", "--api", c.apiUrl())).as(runners.err()).isEqualTo(0);
  }

  @Test
  void aFailedStartStopsWhatHadStartedAndRemovesItsData() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> LocalCluster.start(LocalCluster.options().env(ENV).tempRoot(tempRoot)
              .port(taken.getLocalPort()).runners(0)))
          .isInstanceOf(LocalCluster.LocalClusterException.class)
          .hasMessageContaining("starting the hub on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void withRunners() throws Exception {
    LocalCluster c;
    try {
      c = start(LocalCluster.options().port(0).runners(1).slots(1));
    } catch (LocalCluster.LocalClusterException e) {
      Assumptions.assumeFalse(hasCause(e, UnsupportedOperationException.class), "the runner is not written yet: " + e.getMessage());
      throw e;
    }
    assertThat(c.runnerCount()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(get(c.apiUrl() + "/health/ready").statusCode()).isEqualTo(200));

    // A whole run through the CLI: submit, wait for it, read its log.
    CliHarness submit = new CliHarness().stdin(SPEC);
    assertThat(submit.run("submit", "-", "--api", c.apiUrl())).as(submit.err()).isEqualTo(0);
    String runId = submit.out().strip();
    CliHarness status = new CliHarness();
    assertThat(status.run("status", runId, "--wait", "--timeout", "90", "--api", c.apiUrl()))
        .as(status.out() + status.err()).isEqualTo(0);
    assertThat(status.out()).contains("SUCCEEDED", "on dev-runner-1");
    CliHarness logs = new CliHarness();
    assertThat(logs.run("logs", runId, "hello", "--api", c.apiUrl())).as(logs.err()).isEqualTo(0);
    assertThat(logs.out()).contains("hello");
    CliHarness runners = new CliHarness();
    assertThat(runners.run("runners", "--api", c.apiUrl())).as(runners.err()).isEqualTo(0);
    assertThat(runners.out()).contains("dev-runner-1");

    // one JVM, one registry: the hub's /metrics carries every service's signals and Vert.x's own
    HttpResponse<String> metrics = get(c.apiUrl() + "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .containsPattern("(?m)^reach_lease_grants_total [1-9]")
        .contains("reach_orchestrator_leader 1.0")
        .contains("reach_breaker_state{name=\"database\",service=\"artifact-store\"} 0.0")
        .contains("reach_breaker_state{name=\"database\",service=\"orchestrator\"} 0.0")
        .contains("vertx_eventbus_handlers")
        .contains("vertx_pool_in_use{pool_name=\"reach-pool\",pool_type=\"sql\"}");
    assertThat(Files.exists(c.dataDir().resolve("runners/dev-runner-1"))).isTrue();
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void devCommandRunsUntilStoppedAndExits0() throws Exception {
    Path dataDir = tmp.resolve("dev-data");
    CliHarness.ManualStop stop = new CliHarness.ManualStop();
    CliHarness h = new CliHarness().env(ENV).stopSignal(stop);
    executor = Executors.newSingleThreadExecutor();
    Future<Integer> exit = executor.submit(() -> h.run("dev", "--port", "0", "--runners", "0", "--data-dir", dataDir.toString()));

    await().atMost(Duration.ofSeconds(120)).until(() -> h.out().contains("Reach is up") || exit.isDone());
    assertThat(exit.isDone()).as("dev exited early: " + h.err()).isFalse();
    Matcher m = Pattern.compile("Reach is up: http://127\\.0\\.0\\.1:(\\d+)/ \\(API http://127\\.0\\.0\\.1:(\\d+)/api/v1/runs\\)").matcher(h.out());
    assertThat(m.find()).as(h.out()).isTrue();
    int port = Integer.parseInt(m.group(1));
    assertThat(h.out()).containsPattern("Database: postgresql://postgres@127\\.0\\.0\\.1:\\d+/reach \\(data in ");
    Matcher db = Pattern.compile("postgresql://postgres@127\\.0\\.0\\.1:(\\d+)/reach").matcher(h.out());
    assertThat(db.find()).isTrue();
    dbPort = Integer.parseInt(db.group(1));
    assertThat(get("http://127.0.0.1:" + port + "/health/live").statusCode()).isEqualTo(200);

    stop.fire();
    assertThat(exit.get(120, TimeUnit.SECONDS)).as(h.err()).isEqualTo(0);
    assertThat(stop.awaitFinished(1)).isTrue();
    // a data dir of the user's is kept (the database survives a restart)
    assertThat(dataDir.resolve("postgres").resolve("PG_VERSION")).exists();
  }
}
