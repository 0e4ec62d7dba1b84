package dev.reach.shared.error;

import io.vertx.pgclient.PgException;

/**
 * Classifies failures of database calls by SQL state, never by message text. A pool with no free
 * connection for the request (wait queue full, or waited past {@code REACH_DB_POOL_WAIT_TIMEOUT_MS})
 * is load: retryable {@code DB_POOL_EXHAUSTED}, and not an outage for the breaker. Anything else
 * that is not an error reported by the server (closed connection, refused connect) means the
 * database could not be reached: fail closed with a retryable {@code DB_UNAVAILABLE}.
 */
public final class DbErrors {
  /** Retry hint of {@code DB_POOL_EXHAUSTED}: a busy pool frees connections within a statement or so. */
  public static final long POOL_RETRY_AFTER_MS = 1_000;

  private DbErrors() {}

  public static ReachException classify(Throwable t) {
    if (t instanceof ReachException re) {
      return re;
    }
    if (PoolExhaustion.isExhausted(t)) {
      return new ReachException(ErrorCode.DB_POOL_EXHAUSTED, PoolExhaustion.isQueueFull(t)
          ? "database pool exhausted: every connection is busy and the wait queue is full, retry later"
          : "database pool exhausted: no connection became free in time, retry later", null, POOL_RETRY_AFTER_MS, t);
    }
    if (t instanceof PgException pg) {
      String state = pg.getSqlState() == null ? "" : pg.getSqlState();
      // 08: connection exception; 57P0x: shutdown / cannot connect now; 53: insufficient resources.
      if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
        return unavailable(t);
      }
      // serialization failure, deadlock, statement timeout: safe to retry shortly.
      if (state.equals("40001") || state.equals("40P01") || state.equals("57014")) {
        return new ReachException(ErrorCode.DB_UNAVAILABLE, "database busy, retry", null, 200, t);
      }
      // raised by the jobs_transition_guard trigger
      if (state.equals("RT001")) {
        return new ReachException(ErrorCode.ILLEGAL_TRANSITION, pg.getErrorMessage(), null, -1, t);
      }
      return new ReachException(ErrorCode.INTERNAL, "database error " + state, null, -1, t);
    }
    return unavailable(t);
  }

  private static ReachException unavailable(Throwable t) {
    return new ReachException(ErrorCode.DB_UNAVAILABLE, "database unavailable, retry later", null, 2000, t);
  }
}
