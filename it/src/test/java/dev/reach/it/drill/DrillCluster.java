package dev.reach.it.drill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A whole Reach cluster of separate JVMs on loopback for failover drills: a real Postgres server,
 * two orchestrators, an artifact store, a hub and runners, each started as
 * {@code reachctl service NAME}. Everything it started is stopped by {@link #close()}, also when
 * the drill fails; the data directory is removed.
 */
final class DrillCluster implements AutoCloseable {
  static final long TTL_MS = 3_000;

  final Path dir;
  final String clusterName = "reach-drill-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  final DrillPostgres postgres;
  final int hubPort = freePort();
  final Map<String, ServiceProcess> services = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
  private final Map<String, Integer> clusterPorts = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Integer> supervised = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger restarts = new java.util.concurrent.atomic.AtomicInteger();
  private java.util.concurrent.ScheduledExecutorService supervisor;
  private final Map<String, String> overrides;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /** Starts Postgres, two orchestrators, the artifact store and the hub; runners are added with {@link #startRunner}. */
  DrillCluster(Map<String, String> overrides) throws IOException {
    this.overrides = Map.copyOf(overrides);
    this.dir = Files.createTempDirectory("reach-drill-");
    boolean ok = false;
    try {
      postgres = new DrillPostgres(dir.resolve("pg"), freePort());
      for (String name : List.of("orchestrator-1", "orchestrator-2", "artifact-store", "hub")) {
        clusterPorts.put(name, freePort());
      }
      startService("orchestrator-1", "orchestrator", Map.of());
      startService("orchestrator-2", "orchestrator", Map.of());
      startService("artifact-store", "artifact-store", Map.of("REACH_ARTIFACT_DIR", dir.resolve("artifacts").toString()));
      startService("hub", "hub", Map.of("REACH_HTTP_PORT", String.valueOf(hubPort)));
      for (ServiceProcess s : List.copyOf(services.values())) {
        awaitUp(s);
      }
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> status("/health/ready") == 200);
      ok = true;
    } finally {
      if (!ok) {
        close();
      }
    }
  }

  Map<String, String> env(String name, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("REACH_DB_URL", postgres.url());
    env.put("REACH_DB_POOL_SIZE", "6");
    env.put("REACH_DB_CONNECT_TIMEOUT_MS", "3000");
    env.put("REACH_DB_STATEMENT_TIMEOUT_MS", "2000");
    env.put("REACH_CLUSTER_NAME", clusterName);
    env.put("REACH_CLUSTER_HOST", "127.0.0.1");
    env.put("REACH_CLUSTER_PORT", String.valueOf(clusterPorts.get(name)));
    env.put("REACH_CLUSTER_MEMBERS", List.of("orchestrator-1", "orchestrator-2", "hub").stream()
        .map(n -> "127.0.0.1:" + clusterPorts.get(n)).collect(Collectors.joining(",")));
    env.put("REACH_CLUSTER_HEARTBEAT_MS", "500");
    env.put("REACH_CLUSTER_MAX_NO_HEARTBEAT_MS", "3000");
    env.put("REACH_HTTP_HOST", "127.0.0.1");
    env.put("REACH_HTTP_PORT", "0");
    env.put("REACH_LEASE_TTL_MS", String.valueOf(TTL_MS));
    env.put("REACH_LEASE_KILL_MARGIN_MS", "1000");
    env.put("REACH_REAPER_INTERVAL_MS", "200");
    env.put("REACH_REQUEST_TIMEOUT_MS", "3000");
    env.put("REACH_TEST_MODE", "true");
    env.putAll(dev.reach.it.ItTokens.env()); // auth on, as deployed
    env.putAll(overrides);
    env.putAll(extra);
    return env;
  }

  ServiceProcess startService(String name, String kind, Map<String, String> extra) {
    clusterPorts.computeIfAbsent(name, n -> freePort());
    ServiceProcess s = new ServiceProcess(name, kind, env(name, extra), dir).start();
    services.put(name, s);
    return s;
  }

  /** Starts (or restarts, with the same id and state directory) a runner JVM. */
  ServiceProcess startRunner(String id, int slots) {
    return startService(id, "runner", Map.of(
        "REACH_RUNNER_ID", id,
        "REACH_RUNNER_SLOTS", String.valueOf(slots),
        "REACH_RUNNER_POLL_MS", "500",
        "REACH_RUNNER_MIN_FREE_DISK_BYTES", "0",
        "REACH_STATE_DIR", dir.resolve("state-" + id).toString()));
  }

  /** Waits until the service logged that it is up (every service logs "NAME up: ..." once started). */
  void awaitUp(ServiceProcess s) {
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
      if (!s.alive()) {
        throw new AssertionError(s.name + " exited during start:\n" + s.log());
      }
      String log = s.log();
      return log.substring(log.lastIndexOf("---- start")).contains(s.kind + " up: ");
    });
  }

  /**
   * Keeps runners alive like a container restart policy: a runner JVM that died (not one the
   * drill stopped with {@link #unsupervise}) is started again with the same id and state directory.
   */
  void supervise(String id, int slots) {
    supervised.put(id, slots);
    if (supervisor == null) {
      supervisor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "drill-supervisor");
        t.setDaemon(true);
        return t;
      });
      supervisor.scheduleWithFixedDelay(() -> {
        for (Map.Entry<String, Integer> e : supervised.entrySet()) {
          ServiceProcess s = services.get(e.getKey());
          if (s != null && !s.alive()) {
            restarts.incrementAndGet();
            startRunner(e.getKey(), e.getValue());
          }
        }
      }, 200, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  void unsupervise(String id) {
    supervised.remove(id);
  }

  int restarts() {
    return restarts.get();
  }

  ServiceProcess service(String name) {
    return services.get(name);
  }

  /** Starts these runner JVMs, then waits until the orchestrators list every one of them. */
  void startRunners(int slots, String... ids) {
    for (String id : ids) {
      startRunner(id, slots);
    }
    for (String id : ids) {
      awaitRunner(id, "");
    }
  }

  /** Waits until the orchestrators list a runner with this id and incarnation other than {@code notIncarnation}. */
  String awaitRunner(String id, String notIncarnation) {
    String[] inc = new String[1];
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
      HttpResponse<String> r = get("/api/v1/runners");
      if (r == null || r.statusCode() != 200) {
        return false;
      }
      for (Object o : new io.vertx.core.json.JsonObject(r.body()).getJsonArray("runners")) {
        io.vertx.core.json.JsonObject runner = (io.vertx.core.json.JsonObject) o;
        if (id.equals(runner.getString("id")) && !runner.getString("incarnation").equals(notIncarnation)) {
          inc[0] = runner.getString("incarnation");
          return true;
        }
      }
      return false;
    });
    return inc[0];
  }

  /** The cluster members the hub sees ({@code /health/deep}), or -1 when it does not answer. */
  int hubClusterMembers() {
    HttpResponse<String> r = get("/health/deep");
    if (r == null || r.body().isEmpty()) {
      return -1;
    }
    io.vertx.core.json.JsonObject cluster = new io.vertx.core.json.JsonObject(r.body())
        .getJsonObject("dependencies", new io.vertx.core.json.JsonObject()).getJsonObject("cluster");
    return cluster == null ? -1 : cluster.getInteger("members", -1);
  }

  String api() {
    return "http://127.0.0.1:" + hubPort;
  }

  int status(String path) {
    HttpResponse<String> r = get(path);
    return r == null ? -1 : r.statusCode();
  }

  HttpResponse<String> get(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(api() + path)).timeout(Duration.ofSeconds(10))
          .header("Authorization", dev.reach.it.ItTokens.bearer()).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  HttpResponse<String> post(String path, String body) {
    return post(path, body, null);
  }

  HttpResponse<String> post(String path, String body, String idempotencyKey) {
    try {
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(api() + path)).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json").header("Authorization", dev.reach.it.ItTokens.bearer())
          .POST(HttpRequest.BodyPublishers.ofString(body));
      if (idempotencyKey != null) {
        req.header("Idempotency-Key", idempotencyKey);
      }
      return http.send(req.build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The orchestrator currently leading (its log says so last), or null. */
  String leader() {
    String best = null;
    int bestAt = -1;
    for (String name : List.of("orchestrator-1", "orchestrator-2")) {
      ServiceProcess s = services.get(name);
      if (s == null || !s.alive()) {
        continue;
      }
      String log = s.log();
      int at = log.lastIndexOf(" elected with epoch ");
      int lost = Math.max(log.lastIndexOf("stepped down"), log.lastIndexOf(" deposed: "));
      if (at > lost && at > bestAt) {
        best = name;
        bestAt = at;
      }
    }
    return best;
  }

  @Override
  public void close() {
    if (supervisor != null) {
      supervisor.shutdownNow();
      try {
        supervisor.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<ServiceProcess> all;
    synchronized (services) {
      all = new ArrayList<>(services.values());
    }
    for (ServiceProcess s : all) {
      if (s.alive()) {
        s.signal("CONT");
        s.signal("KILL");
      }
    }
    for (ServiceProcess s : all) {
      s.waitFor(Duration.ofSeconds(30));
    }
    if (postgres != null) {
      postgres.close();
    }
    keepLogs();
    if (!Boolean.getBoolean("reach.drill.keep")) {
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Copies every service's log to {@code target/drill-logs/<cluster>/} (kept for a failed drill's post-mortem). */
  private void keepLogs() {
    try {
      Path out = Files.createDirectories(Path.of("target", "drill-logs", clusterName));
      try (var files = Files.list(dir)) {
        for (Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
          Files.copy(log, out.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      System.err.println("drill logs not kept: " + e);
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
