package dev.reach.shared.db;

import dev.reach.shared.breaker.Breakers;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.error.PoolExhaustion;
import dev.reach.shared.metrics.ReachMetrics;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The reactive Postgres pool behind a circuit breaker, with every failure classified into the
 * error contract (fail closed: no database, no transition) and a count of round trips for the
 * benchmark.
 *
 * <p>The pool contract, all from the environment: at most {@code REACH_DB_POOL_SIZE} connections
 * (backends named {@value #APPLICATION_NAME} in {@code pg_stat_activity}); at most
 * {@code REACH_DB_POOL_MAX_WAIT_QUEUE} requests waiting for one, each for at most
 * {@code REACH_DB_POOL_WAIT_TIMEOUT_MS} — beyond either a request fails with
 * {@code DB_POOL_EXHAUSTED} (retryable, not an outage); TCP connects bounded by
 * {@code REACH_DB_CONNECT_TIMEOUT_MS}; connections idle for {@code REACH_DB_IDLE_TIMEOUT_MS} closed
 * (0: kept); every statement bounded by the server's {@code statement_timeout}
 * ({@code REACH_DB_STATEMENT_TIMEOUT_MS}). {@link #describe()} reports the options the pool was built
 * with.
 */
public final class Db {
  private static final Logger LOG = Logger.getLogger(Db.class.getName());
  /** Round trips of every pool in this JVM (for the benchmark), health pings excluded. */
  private static final AtomicLong ALL_ROUND_TRIPS = new AtomicLong();

  /** The {@code application_name} of every connection of a Reach pool. */
  public static final String APPLICATION_NAME = "reach";

  /** How long {@link #close()} waits for the pool before it gives up on it. */
  static final long CLOSE_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final Pool pool;
  private final DbBreaker breaker;
  private final JsonObject settings;
  /** A statement not answered within this (statement timeout + 1 s for the network) counts as an outage. */
  private final long answerTimeoutMs;
  private final AtomicLong roundTrips = new AtomicLong();
  private volatile boolean closed;
  /** Connections held by statements of this Db right now. */
  private final AtomicInteger busy = new AtomicInteger();
  private final int poolSize;

  private final Timer ok;
  private final Timer failed;

  private Db(Vertx vertx, Pool pool, DbBreaker breaker, JsonObject settings, long answerTimeoutMs,
      ReachMetrics metrics) {
    this.vertx = vertx;
    this.ok = metrics.dbQueryTimer("ok");
    this.failed = metrics.dbQueryTimer("error");
    this.poolSize = settings.getInteger("pool_size");
    this.pool = pool;
    this.breaker = breaker;
    this.settings = settings;
    this.answerTimeoutMs = answerTimeoutMs;
  }

  public static long totalRoundTrips() {
    return ALL_ROUND_TRIPS.get();
  }

  private void count(long n) {
    roundTrips.addAndGet(n);
    ALL_ROUND_TRIPS.addAndGet(n);
  }

  public static Db create(Vertx vertx, ReachConfig cfg) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(cfg.db().host())
        .setPort(cfg.db().port())
        .setDatabase(cfg.db().database())
        .setUser(cfg.db().user())
        .setPassword(cfg.db().password())
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256)
        // the lease statements are longer than the 2048-character default: without this they are
        // parsed and planned on every call (a claim measured ~3 ms uncached vs ~0.5 ms cached)
        .setPreparedStatementCacheSqlLimit(64 * 1024)
        .setPipeliningLimit(16)
        .addProperty("application_name", APPLICATION_NAME)
        .addProperty("statement_timeout", String.valueOf(cfg.dbStatementTimeoutMs()))
        .addProperty("idle_in_transaction_session_timeout", String.valueOf(cfg.dbStatementTimeoutMs() * 3));
    PoolOptions poolOptions = new PoolOptions()
        .setMaxSize(cfg.dbPoolSize())
        // Vert.x's "connection timeout" of a pool is how long a request waits for a free connection
        .setConnectionTimeout((int) cfg.dbPoolWaitTimeoutMs())
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxWaitQueueSize(cfg.dbPoolMaxWaitQueue())
        .setIdleTimeout((int) cfg.dbIdleTimeoutMs())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setShared(false)
        .setName("reach-pool");
    NetClientOptions net = new NetClientOptions().setConnectTimeout((int) cfg.dbConnectTimeoutMs()).setTcpNoDelay(true)
        .setTcpKeepAlive(true);
    Pool pool = PgBuilder.pool().with(poolOptions).with(net).connectingTo(connect).using(vertx).build();
    DbBreaker breaker = Breakers.jvm().register(new DbBreaker(vertx, cfg));
    return new Db(vertx, pool, breaker, settings(poolOptions, net, connect), cfg.dbStatementTimeoutMs() + 1_000,
        ReachMetrics.of(vertx));
  }

  /** The effective settings, read back from the option objects the pool was built with. */
  private static JsonObject settings(PoolOptions pool, NetClientOptions net, PgConnectOptions connect) {
    return new JsonObject()
        .put("pool_size", pool.getMaxSize())
        .put("max_wait_queue", pool.getMaxWaitQueueSize())
        .put("pool_wait_timeout_ms", pool.getConnectionTimeoutUnit().toMillis(pool.getConnectionTimeout()))
        .put("idle_timeout_ms", pool.getIdleTimeoutUnit().toMillis(pool.getIdleTimeout()))
        .put("connect_timeout_ms", (long) net.getConnectTimeout())
        .put("statement_timeout_ms", Long.parseLong(connect.getProperties().get("statement_timeout")))
        .put("application_name", connect.getProperties().get("application_name"))
        .put("host", connect.getHost())
        .put("port", connect.getPort())
        .put("database", connect.getDatabase());
  }

  /**
   * One statement, one round trip, through the circuit breaker: it fails at once with
   * {@code DB_CIRCUIT_OPEN} while the breaker is open, with {@code DB_POOL_EXHAUSTED} when the pool
   * has no connection for it, and with {@code DB_UNAVAILABLE} when the server does not answer within
   * the statement timeout + 1 s (a frozen server). Timed as
   * {@code reach_db_query_seconds{outcome="ok"|"error"}} (a call refused by the open breaker included).
   */
  public Future<RowSet<Row>> query(Sql sql, Tuple params) {
    long t0 = System.nanoTime();
    return breaker.<RowSet<Row>>call(() -> statement(conn -> conn.preparedQuery(sql.text()).execute(params)))
        .andThen(ar -> (ar.succeeded() ? ok : failed).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS));
  }

  /**
   * {@code SELECT 1} through the breaker, like any statement, but not counted in
   * {@link #roundTrips()}: health checks ping on their own schedule (every node directory publish),
   * and the count is the cost of the service's work (the benchmark's round trips per job).
   */
  public Future<Void> ping() {
    return breaker.call(() -> onConnection(conn -> conn.query("SELECT 1").execute())).mapEmpty();
  }

  /**
   * Runs {@code run} on a pooled connection, the wait for the connection and the statement timed
   * apart: the wait is bounded by the pool wait timeout (then {@code DB_POOL_EXHAUSTED}, load), the
   * statement by {@link #answerTimeoutMs} (then a {@link java.util.concurrent.TimeoutException}, an
   * outage). A long queue in a busy pool is so never taken for a database that does not answer. The
   * connection goes back to the pool only when its statement really ended.
   */
  private Future<RowSet<Row>> statement(Function<SqlConnection, Future<RowSet<Row>>> run) {
    count(1);
    return onConnection(run);
  }

  /** {@link #statement} without the count. */
  private Future<RowSet<Row>> onConnection(Function<SqlConnection, Future<RowSet<Row>>> run) {
    return acquire().compose(conn -> {
      Future<RowSet<Row>> f;
      try {
        f = run.apply(conn);
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> release(conn));
      return f.timeout(answerTimeoutMs, TimeUnit.MILLISECONDS);
    });
  }

  /**
   * Runs {@code work} on one pooled connection held for all its statements (several transactions,
   * session-level locks), released when its future completes. For long administrative work: no
   * statement timeout of this class applies (set one in the transaction), and its failures are not
   * counted by the breaker; a failure to get a connection is classified like any other.
   */
  public <T> Future<T> withConnection(Function<SqlConnection, Future<T>> work) {
    count(1);
    return acquire().compose(conn -> {
      Future<T> f;
      try {
        f = work.apply(conn);
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      return f.andThen(ar -> release(conn));
    });
  }

  /** A pooled connection, counted as busy until {@link #release}; its failure classified by {@link #acquireFailure}. */
  Future<SqlConnection> acquire() {
    return pool.getConnection()
        .andThen(ar -> {
          if (ar.succeeded()) {
            busy.incrementAndGet();
          }
        })
        .recover(t -> Future.failedFuture(acquireFailure(t)));
  }

  void release(SqlConnection conn) {
    busy.decrementAndGet();
    conn.close();
  }

  /**
   * The pool's effective settings for health output: {@code {"pool_size", "max_wait_queue",
   * "pool_wait_timeout_ms", "idle_timeout_ms", "connect_timeout_ms", "statement_timeout_ms",
   * "application_name", "host", "port", "database", "breaker": {...}}} — never the user or password.
   */
  public JsonObject describe() {
    return settings.copy().put("breaker", breaker.describe());
  }

  /** The breaker in front of every statement of this pool. */
  public DbBreaker breaker() {
    return breaker;
  }

  /**
   * Vert.x fails a request that waited past the pool's connection timeout with a bare
   * {@link NoStackTraceThrowable} (no type of its own); so does a closed pool, and only this Db closes
   * its pool. It is exhaustion (load) when every connection was busy with a statement of ours; with
   * room in the pool, no connection came because the server did not finish opening one (a frozen
   * server): that stays an outage, like every failure to open a connection (refused, timed out,
   * rejected by the server).
   */
  private Throwable acquireFailure(Throwable t) {
    boolean waitTimeout = !closed && t.getClass() == NoStackTraceThrowable.class;
    return waitTimeout && busy.get() >= poolSize ? new PoolExhaustion.WaitTimeout(t) : t;
  }

  /** Statements and connections this pool served for the service's work ({@link #ping()} excluded). */
  public long roundTrips() {
    return roundTrips.get();
  }

  public Pool pool() {
    return pool;
  }

  /**
   * Closes the pool, at most {@link #CLOSE_TIMEOUT_MS}: a pool whose connection attempt was cut off
   * under load has been seen to fail inside its own close (a {@code NullPointerException} on a
   * missing lease) and never complete it, which left a service that failed to start hanging instead
   * of exiting; past the bound the pool is abandoned with a warning.
   */
  public Future<Void> close() {
    closed = true;
    Breakers.jvm().unregister(breaker);
    breaker.close();
    Promise<Void> done = Promise.promise();
    long timer = vertx.setTimer(CLOSE_TIMEOUT_MS, id -> {
      if (done.tryComplete()) {
        LOG.warning("database pool did not close within " + CLOSE_TIMEOUT_MS + " ms; abandoned");
      }
    });
    Future<Void> closing;
    try {
      closing = pool.close();
    } catch (RuntimeException e) {
      closing = Future.failedFuture(e);
    }
    closing.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.failed()) {
        LOG.warning("database pool close failed: " + ar.cause());
      }
      done.tryComplete();
    });
    return done.future();
  }
}
