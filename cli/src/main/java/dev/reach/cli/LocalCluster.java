package dev.reach.cli;

import dev.reach.artifacts.ArtifactStoreService;
import dev.reach.hub.HubService;
import dev.reach.orchestrator.OrchestratorService;
import dev.reach.runner.RunnerService;
import dev.reach.shared.cluster.ClusterBootstrap;
import dev.reach.shared.config.ConfigException;
import dev.reach.shared.config.DbUrl;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.health.HealthRegistry;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Local mode: all of Reach in this JVM. An embedded Postgres (zonky), a one-member Hazelcast
 * cluster bound to 127.0.0.1 under a cluster name of its own (so it never joins another local
 * cluster), and on one clustered Vert.x: the orchestrator, the artifact store, N runners and the
 * hub. Used by {@code reachctl dev}, the benchmark and end-to-end tests.
 *
 * <p>Every service gets its own {@link ReachConfig} (they differ in HTTP port, runner id and state
 * directory), built from the base environment with the local-mode settings layered on top; they
 * share the Vert.x and one {@link HealthRegistry}, so the hub's {@code /health/ready} covers the
 * whole local cluster, and one metrics registry, so the hub's {@code /metrics} does too.
 */
public final class LocalCluster implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LocalCluster.class.getName());
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(120);
  static final String LOOPBACK = "127.0.0.1";
  static final String DATABASE = "reach";
  static final String PLACEHOLDER_PASSWORD = "postgres";

  private final Options options;
  private final Path dataDir;
  private final boolean ownsDataDir;
  private final String clusterName;
  private EmbeddedPostgres postgres;
  private String dbUrl;
  private Vertx vertx;
  private HealthRegistry health;
  private OrchestratorService orchestrator;
  private ArtifactStoreService artifactStore;
  private final List<RunnerService> runners = new ArrayList<>();
  private HubService hub;
  private boolean closed;

  private LocalCluster(Options options, Path dataDir, boolean ownsDataDir, String clusterName) {
    this.options = options;
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    this.clusterName = clusterName;
  }

  /** Options with the defaults of {@code reachctl dev}: hub on 8080, 2 runners of 2 slots, a temporary data dir. */
  public static Options options() {
    return new Options();
  }

  /**
   * Starts everything and returns once the hub listens. A bad {@code REACH_*} value throws
   * {@link ConfigException} before anything starts; any other failure stops what had started,
   * removes a temporary data dir and throws {@link LocalClusterException}.
   */
  public static LocalCluster start(Options o) {
    String clusterName = "reach-dev-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    // Validate the configuration of every service before starting anything.
    Path placeholderDir = o.dataDir != null ? o.dataDir : Path.of(System.getProperty("java.io.tmpdir"), "reach-dev");
    configs(o, placeholderDir, clusterName, dbUrl(5432, true), 5701);

    Path dataDir;
    boolean owns;
    try {
      if (o.dataDir != null) {
        dataDir = o.dataDir.toAbsolutePath();
        Files.createDirectories(dataDir);
        owns = false;
      } else {
        Path root = o.tempRoot != null ? o.tempRoot : Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(root);
        dataDir = Files.createTempDirectory(root, "reach-dev-").toAbsolutePath();
        owns = true;
      }
    } catch (IOException e) {
      throw new LocalClusterException("cannot create the data directory: " + Futures.describe(e), e);
    }
    LocalCluster c = new LocalCluster(o, dataDir, owns, clusterName);
    try {
      c.startAll();
      return c;
    } catch (RuntimeException | Error e) {
      try {
        c.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof LocalClusterException || e instanceof ConfigException) {
        throw e;
      }
      throw new LocalClusterException(Futures.describe(e), e);
    }
  }

  private void startAll() {
    if (options.database != null) {
      dbUrl = options.database;
    } else {
      postgres = startPostgres();
      dbUrl = dbUrl(postgres.getPort(), true);
    }
    int clusterPort = freePort();
    ServiceConfigs cfgs = configs(options, dataDir, clusterName, dbUrl, clusterPort);

    vertx = step("starting the local cluster (Hazelcast on " + LOOPBACK + ":" + clusterPort + ")",
        () -> ClusterBootstrap.start(cfgs.orchestrator()));
    health = new HealthRegistry(vertx, cfgs.hub(), Clock.systemUTC());
    orchestrator = step("starting the orchestrator", () -> OrchestratorService.deploy(node(cfgs.orchestrator())));
    artifactStore = step("starting the artifact store", () -> ArtifactStoreService.deploy(node(cfgs.artifactStore())));
    for (ReachConfig rc : cfgs.runners()) {
      runners.add(step("starting the runner " + rc.runnerId(), () -> RunnerService.deploy(node(rc))));
    }
    hub = step("starting the hub on " + cfgs.hub().httpHost() + ":" + cfgs.hub().httpPort(),
        () -> HubService.deploy(node(cfgs.hub())));
    LOG.info("local cluster " + clusterName + " up: hub on port " + hub.httpPort() + ", artifact store "
        + artifactStore.baseUrl() + ", " + runners.size() + " runner(s), database " + dbUrl() + ", data in " + dataDir);
  }

  /**
   * The embedded server trusts local connections, so the password is a placeholder (the Postgres
   * client needs one): {@code postgres}, no secret.
   */
  static String dbUrl(int port, boolean withPassword) {
    return "postgresql://postgres" + (withPassword ? ":" + PLACEHOLDER_PASSWORD : "") + "@" + LOOPBACK + ":" + port + "/" + DATABASE;
  }

  private ReachNode node(ReachConfig cfg) {
    return new ReachNode(vertx, cfg, Clock.systemUTC(), health);
  }

  private static <T> T step(String what, Supplier<Future<T>> action) {
    Future<T> f;
    try {
      f = action.get();
    } catch (RuntimeException e) {
      throw new LocalClusterException(what + ": " + Futures.describe(e), e);
    }
    try {
      return Futures.await(f, START_TIMEOUT, what);
    } catch (Futures.StepFailedException e) {
      throw new LocalClusterException(e.getMessage(), e.getCause());
    }
  }

  private EmbeddedPostgres startPostgres() {
    Path pgData = dataDir.resolve("postgres");
    try {
      EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
          .setDataDirectory(pgData)
          // a data dir of the user's survives restarts; a temporary one is removed anyway
          .setCleanDataDirectory(ownsDataDir)
          .setServerConfig("listen_addresses", LOOPBACK)
          .setServerConfig("max_connections", "200");
      options.postgresConfig.forEach(b::setServerConfig);
      if (options.postgresPort > 0) {
        b.setPort(options.postgresPort);
      }
      EmbeddedPostgres pg = b.start();
      try {
        createDatabase(pg);
      } catch (RuntimeException e) {
        pg.close();
        throw e;
      }
      return pg;
    } catch (IOException | RuntimeException e) {
      throw new LocalClusterException("starting the embedded Postgres in " + pgData + ": " + Futures.describe(e), e);
    }
  }

  private static void createDatabase(EmbeddedPostgres pg) {
    try (Connection c = pg.getPostgresDatabase().getConnection()) {
      boolean exists;
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        ps.setString(1, DATABASE);
        try (ResultSet rs = ps.executeQuery()) {
          exists = rs.next();
        }
      }
      if (!exists) {
        try (Statement st = c.createStatement()) {
          st.execute("CREATE DATABASE " + DATABASE);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the database " + DATABASE + ": " + e.getMessage(), e);
    }
  }

  /** A join token for local mode's own runners, new for every start (never printed; only its hash is stored). */
  private static String localJoinToken() {
    byte[] bytes = new byte[24];
    new java.security.SecureRandom().nextBytes(bytes);
    return "reach_local_" + java.util.HexFormat.of().formatHex(bytes);
  }

  /** The configurations of the services, all validated (a bad value throws {@link ConfigException}). */
  static ServiceConfigs configs(Options o, Path dataDir, String clusterName, String dbUrl, int clusterPort) {
    Map<String, String> base = new HashMap<>(o.env);
    base.putAll(o.overrides);
    base.put("REACH_DB_URL", dbUrl);
    // local mode: auth off unless asked for; with auth on, its own runners join with a join token of its own
    base.put("REACH_AUTH", String.valueOf(o.auth));
    if (o.auth && (base.get("REACH_RUNNER_JOIN_TOKEN") == null || base.get("REACH_RUNNER_JOIN_TOKEN").isBlank())) {
      base.put("REACH_RUNNER_JOIN_TOKEN", localJoinToken());
    }
    base.put("REACH_CLUSTER_NAME", clusterName);
    base.put("REACH_CLUSTER_HOST", LOOPBACK);
    base.put("REACH_CLUSTER_PUBLIC_HOST", LOOPBACK);
    base.put("REACH_CLUSTER_PORT", String.valueOf(clusterPort));
    base.put("REACH_CLUSTER_MEMBERS", LOOPBACK + ":" + clusterPort);
    base.put("REACH_EVENTBUS_PORT", "0");
    base.put("REACH_ARTIFACT_DIR", dataDir.resolve("artifacts").toString());
    base.remove("REACH_ARTIFACT_URL"); // the local store's own address, whatever the shell says

    // the orchestrator's and the store's alert state (alerts-<service>.json) in the data dir, not the working dir
    String state = dataDir.resolve("state").toString();
    ReachConfig orchestrator = ReachConfig.from(with(base, Map.of("REACH_HTTP_PORT", "0", "REACH_STATE_DIR", state)), 0);
    ReachConfig store = ReachConfig.from(with(base, Map.of("REACH_HTTP_PORT", "0", "REACH_STATE_DIR", state)), 0);
    List<ReachConfig> runners = new ArrayList<>();
    for (int i = 1; i <= o.runners; i++) {
      String id = "dev-runner-" + i;
      runners.add(ReachConfig.from(with(base, Map.of(
          "REACH_HTTP_PORT", "0",
          "REACH_RUNNER_ID", id,
          "REACH_RUNNER_SLOTS", String.valueOf(o.slots),
          "REACH_STATE_DIR", dataDir.resolve("runners").resolve(id).toString())), 0));
    }
    ReachConfig hub = ReachConfig.from(with(base, Map.of("REACH_HTTP_PORT", String.valueOf(o.port), "REACH_STATE_DIR", state)), 0);
    return new ServiceConfigs(orchestrator, store, List.copyOf(runners), hub);
  }

  private static Map<String, String> with(Map<String, String> base, Map<String, String> extra) {
    Map<String, String> m = new HashMap<>(base);
    m.putAll(extra);
    return m;
  }

  /** The per-service configurations of one local cluster. */
  record ServiceConfigs(ReachConfig orchestrator, ReachConfig artifactStore, List<ReachConfig> runners, ReachConfig hub) {}

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + LOOPBACK, e);
    }
  }

  /** The port the hub listens on (the actual one when started with port 0). */
  public int hubPort() {
    return hub.httpPort();
  }

  /** {@code http://127.0.0.1:<hub port>}. */
  public String apiUrl() {
    return "http://" + LOOPBACK + ":" + hubPort();
  }

  /**
   * The embedded database's URL without a password, as shown to people ({@code psql} accepts it:
   * the server trusts local connections).
   */
  public String dbUrl() {
    return postgres == null ? DbUrl.parse(dbUrl).toString() : dbUrl(postgres.getPort(), false);
  }

  /** The embedded database as a {@code REACH_DB_URL} for other services (its password is a placeholder). */
  public String reachDbUrl() {
    return dbUrl;
  }

  public int dbPort() {
    return postgres == null ? DbUrl.parse(dbUrl).port() : postgres.getPort();
  }

  public String artifactStoreUrl() {
    return artifactStore.baseUrl();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** True when the data dir is a temporary one that {@link #close()} removes. */
  public boolean temporaryDataDir() {
    return ownsDataDir;
  }

  public String clusterName() {
    return clusterName;
  }

  public int runnerCount() {
    return runners.size();
  }

  public Vertx vertx() {
    return vertx;
  }

  public HealthRegistry health() {
    return health;
  }

  /**
   * Stops the services in reverse order (hub, runners, artifact store, orchestrator), closes
   * Vert.x (leaving the cluster), stops Postgres and removes a temporary data dir. Idempotent;
   * each step is attempted even when an earlier one failed.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (hub != null) {
      stopStep("stopping the hub", hub::stop);
    }
    List<RunnerService> reversed = new ArrayList<>(runners);
    Collections.reverse(reversed);
    for (RunnerService r : reversed) {
      stopStep("stopping a runner", r::stop);
    }
    if (artifactStore != null) {
      stopStep("stopping the artifact store", artifactStore::stop);
    }
    if (orchestrator != null) {
      stopStep("stopping the orchestrator", orchestrator::stop);
    }
    if (vertx != null) {
      stopStep("leaving the cluster", vertx::close);
    }
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.WARNING, "stopping the embedded Postgres: " + Futures.describe(e), e);
      }
    }
    if (ownsDataDir) {
      deleteTree(dataDir);
    }
    LOG.info("local cluster " + clusterName + " stopped");
  }

  private static void stopStep(String what, Supplier<Future<Void>> action) {
    try {
      Futures.await(action.get(), STOP_TIMEOUT, what);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, Futures.describe(e));
    }
  }

  public static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          LOG.warning("cannot remove " + p + ": " + e.getMessage());
        }
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warning("cannot remove " + root + ": " + e.getMessage());
    }
  }

  /** What to start. */
  public static final class Options {
    private Map<String, String> env = System.getenv();
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private final Map<String, String> postgresConfig = new LinkedHashMap<>();
    private int port = 8080;
    private boolean auth;
    private int slots = 2;
    private int runners = 2;
    private int postgresPort;
    private String database;
    private Path dataDir;
    private Path tempRoot;

    private Options() {}

    /** The base environment (default: the process's) from which every service reads its {@code REACH_*} values. */
    public Options env(Map<String, String> env) {
      this.env = Map.copyOf(env);
      return this;
    }

    /** A {@code REACH_*} value for every service, over the base environment (local-mode settings still win). */
    public Options set(String name, String value) {
      overrides.put(name, value);
      return this;
    }

    /**
     * Auth on (API tokens with roles, runner join tokens) as in a deployment; default off, as local mode
     * is for one person on one machine.
     */
    public Options auth(boolean on) {
      this.auth = on;
      return this;
    }

    /** The hub's HTTP port; 0 picks a free one. */
    public Options port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535");
      }
      this.port = port;
      return this;
    }

    public Options slots(int slots) {
      if (slots < 1) {
        throw new IllegalArgumentException("slots must be at least 1");
      }
      this.slots = slots;
      return this;
    }

    /** How many runners; 0 starts none. */
    public Options runners(int runners) {
      if (runners < 0) {
        throw new IllegalArgumentException("runners must not be negative");
      }
      this.runners = runners;
      return this;
    }

    /** Keep the data (Postgres, artifacts, runner state) here across restarts; null: a temporary dir removed at close. */
    public Options dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** Where a temporary data dir is created (default: java.io.tmpdir). */
    public Options tempRoot(Path tempRoot) {
      this.tempRoot = tempRoot;
      return this;
    }

    /** A {@code postgresql.conf} setting for the embedded server (e.g. the benchmark's fsync). */
    public Options postgresConfig(String name, String value) {
      postgresConfig.put(name, value);
      return this;
    }

    /** The embedded Postgres port; 0 (default) picks a free one. */
    /** A database of a server already running ({@code REACH_DB_URL} form) instead of the embedded one. */
    public Options database(String reachDbUrl) {
      DbUrl.parse(reachDbUrl);
      this.database = reachDbUrl;
      return this;
    }

    public Options postgresPort(int port) {
      this.postgresPort = port;
      return this;
    }

    public int port() {
      return port;
    }

    public int slots() {
      return slots;
    }

    public int runners() {
      return runners;
    }

    public Path dataDir() {
      return dataDir;
    }
  }

  /** Local mode could not start; the message names the step and the cause. */
  public static final class LocalClusterException extends RuntimeException {
    public LocalClusterException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
