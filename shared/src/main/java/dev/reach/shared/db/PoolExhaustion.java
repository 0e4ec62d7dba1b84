package dev.reach.shared.db;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * Recognises Vert.x's two "no connection for you" failures of a pool — load, not an outage:
 * <ul>
 *   <li>the wait queue is full: a {@link ConnectionPoolTooBusyException}, by type;
 *   <li>a request waited longer than the pool's connection timeout: vertx-sql-client fails it with
 *       one shared {@code VertxException} instance ({@code SqlConnectionPool.POOL_QUERY_TIMEOUT_EXCEPTION},
 *       5.0.x), recognised by identity. Should a later version drop that field, a plain
 *       {@code VertxException} with the same text is the fallback; {@link #waitTimeoutByIdentity()}
 *       lets a test notice.
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
    if (WAIT_TIMEOUT != null) {
      return t == WAIT_TIMEOUT;
    }
    return t.getClass() == VertxException.class && WAIT_TIMEOUT_TEXT.equals(t.getMessage());
  }

  /** Whether the wait timeout is recognised by identity (true with the vertx-sql-client this build uses). */
  static boolean waitTimeoutByIdentity() {
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
