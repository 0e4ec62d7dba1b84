package dev.reach.shared.error;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Recognises Vert.x's two "no connection for you" failures of a pool — load, not an outage:
 * <ul>
 *   <li>the wait queue is full: a {@link ConnectionPoolTooBusyException}, by type;
 *   <li>a request waited longer than the pool's connection timeout. {@link dev.reach.shared.db.Db} takes its connections
 *       with {@code getConnection()}, which vertx-sql-client 5.0 fails with a bare
 *       {@code NoStackTraceThrowable}; {@link dev.reach.shared.db.Db} turns that into a {@link WaitTimeout} (by type and
 *       by the stage it came from — see {@link dev.reach.shared.db.Db}). A statement run on the pool itself
 *       ({@code pool.preparedQuery}) is failed with one shared {@code VertxException} instance
 *       ({@code SqlConnectionPool.POOL_QUERY_TIMEOUT_EXCEPTION}), recognised by identity; should a later
 *       version drop that field, a plain {@code VertxException} with the same text is the fallback, and
 *       {@link #waitTimeoutByIdentity()} lets a test notice.
 * </ul>
 */
public final class PoolExhaustion {
  private static final String WAIT_TIMEOUT_TEXT = "Timeout waiting for connection";
  private static final Throwable WAIT_TIMEOUT = lookUpWaitTimeout();

  private PoolExhaustion() {}

  public static boolean isExhausted(Throwable t) {
    return isQueueFull(t) || isWaitTimeout(t);
  }

  public static boolean isQueueFull(Throwable t) {
    return t instanceof ConnectionPoolTooBusyException;
  }

  public static boolean isWaitTimeout(Throwable t) {
    if (t == null) {
      return false;
    }
    if (t instanceof WaitTimeout) {
      return true;
    }
    if (WAIT_TIMEOUT != null) {
      return t == WAIT_TIMEOUT;
    }
    return t.getClass() == VertxException.class && WAIT_TIMEOUT_TEXT.equals(t.getMessage());
  }

  /** A request waited for a pooled connection longer than {@code REACH_DB_POOL_WAIT_TIMEOUT_MS}. */
  public static final class WaitTimeout extends VertxException {
    private static final long serialVersionUID = 1L;

    public WaitTimeout(Throwable cause) {
      super("no pooled connection became free within the pool wait timeout", cause, true);
    }
  }

  /** Whether the wait timeout is recognised by identity (true with the vertx-sql-client this build uses). */
  public static boolean waitTimeoutByIdentity() {
    return WAIT_TIMEOUT != null;
  }

  private static Throwable lookUpWaitTimeout() {
    try {
      Class<?> pool = Class.forName("io.vertx.sqlclient.impl.pool.SqlConnectionPool");
      Field f = pool.getDeclaredField("POOL_QUERY_TIMEOUT_EXCEPTION");
      if (!Modifier.isStatic(f.getModifiers()) || !Throwable.class.isAssignableFrom(f.getType())) {
        return null;
      }
      f.setAccessible(true);
      return (Throwable) f.get(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
