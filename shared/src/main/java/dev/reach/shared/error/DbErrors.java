package dev.reach.shared.error;

import io.vertx.pgclient.PgException;

/**
 * Classifies failures of database calls by SQL state, never by message text. Anything that is not
 * an error reported by the server (closed connection, refused connect, pool wait timeout) means
 * the database could not be reached: fail closed with a retryable {@code DB_UNAVAILABLE}.
 */
public final class DbErrors {
  private DbErrors() {}

  public static ReachException classify(Throwable t) {
    if (t instanceof ReachException re) {
      return re;
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
