package dev.reach.shared.db;

import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.error.DbErrors;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reactive Postgres pool, with every failure classified into the error contract (fail closed:
 * no database, no transition) and a count of round trips for the benchmark.
 */
public final class Db {
  /** Round trips of every pool in this JVM (for the benchmark). */
  private static final AtomicLong ALL_ROUND_TRIPS = new AtomicLong();

  private final Pool pool;
  private final AtomicLong roundTrips = new AtomicLong();

  private Db(Pool pool) {
    this.pool = pool;
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
        .setPipeliningLimit(16)
        .addProperty("application_name", "reach")
        .addProperty("statement_timeout", String.valueOf(cfg.dbStatementTimeoutMs()));
    PoolOptions poolOptions = new PoolOptions()
        .setMaxSize(cfg.dbPoolSize())
        .setConnectionTimeout((int) cfg.dbConnectTimeoutMs())
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxWaitQueueSize(10_000)
        .setShared(false)
        .setName("reach-pool");
    NetClientOptions net = new NetClientOptions().setConnectTimeout((int) cfg.dbConnectTimeoutMs()).setTcpNoDelay(true);
    Pool pool = PgBuilder.pool().with(poolOptions).with(net).connectingTo(connect).using(vertx).build();
    return new Db(pool);
  }

  /** One statement, one round trip. */
  public Future<RowSet<Row>> query(Sql sql, Tuple params) {
    count(1);
    return pool.preparedQuery(sql.text()).execute(params).recover(t -> Future.failedFuture(DbErrors.classify(t)));
  }

  public Future<Void> ping() {
    count(1);
    return pool.query("SELECT 1").execute().<Void>mapEmpty().recover(t -> Future.failedFuture(DbErrors.classify(t)));
  }

  public long roundTrips() {
    return roundTrips.get();
  }

  public Pool pool() {
    return pool;
  }

  public Future<Void> close() {
    return pool.close();
  }
}
