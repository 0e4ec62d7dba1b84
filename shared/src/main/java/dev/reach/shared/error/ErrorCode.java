package dev.reach.shared.error;

/**
 * Stable error codes of the one error contract: {@code {"error": {"code", "message", "field"?,
 * "retryable", "retry_after_ms"?}}}. The HTTP status and whether a retry can help belong to the
 * code, so every service answers the same failure the same way.
 */
public enum ErrorCode {
  INVALID_SPEC(400, false),
  INVALID_REQUEST(400, false),
  MALFORMED_MESSAGE(400, false),
  UNAUTHORIZED(401, false),
  FORBIDDEN(403, false),
  NOT_FOUND(404, false),
  DEAD_LETTER_NOT_FOUND(404, false),
  RUN_NOT_FOUND(404, false),
  JOB_NOT_FOUND(404, false),
  ATTEMPT_NOT_FOUND(404, false),
  LOG_NOT_FOUND(404, false),
  METHOD_NOT_ALLOWED(405, false),
  PURGED(410, false),
  STALE_LEASE(409, false),
  /** A report whose lease token belongs to an earlier database generation (granted before a restore): nothing changed. */
  STALE_GENERATION(409, false),
  ILLEGAL_TRANSITION(409, false),
  HEAL_BLOCKED(409, false),
  RESTART_IN_PROGRESS(409, true),
  /** Another projection rebuild is running, or the live tables stayed locked by others past the lock timeout. */
  PROJECTION_REBUILD_BUSY(409, true),
  LOG_OFFSET_MISMATCH(409, false),
  PAYLOAD_TOO_LARGE(413, false),
  URI_TOO_LONG(414, false),
  HEADERS_TOO_LARGE(431, false),
  INSUFFICIENT_STORAGE(507, true),
  UNSUPPORTED_MEDIA_TYPE(415, false),
  IDEMPOTENCY_KEY_REUSED(422, false),
  /** A submission carries secrets but no encryption key is configured: nothing is stored. */
  SECRETS_NOT_CONFIGURED(422, false),
  RATE_LIMITED(429, true),
  INTERNAL(500, false),
  DB_UNAVAILABLE(503, true),
  DB_CIRCUIT_OPEN(503, true),
  /** Every pooled connection is busy and the wait queue is full, or a request waited longer than REACH_DB_POOL_WAIT_TIMEOUT_MS: load, not an outage. */
  DB_POOL_EXHAUSTED(503, true),
  NOT_LEADER(503, true),
  OUTAGE_CAP_REACHED(503, false),
  ORCHESTRATOR_UNAVAILABLE(503, true),
  ARTIFACT_STORE_UNAVAILABLE(503, true),
  SHUTTING_DOWN(503, true),
  TIMEOUT(504, true);

  private final int httpStatus;
  private final boolean retryable;

  ErrorCode(int httpStatus, boolean retryable) {
    this.httpStatus = httpStatus;
    this.retryable = retryable;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public boolean retryable() {
    return retryable;
  }

  /** Default retry hint for retryable codes, in milliseconds. */
  public long defaultRetryAfterMs() {
    return retryable ? 1000 : -1;
  }

  public static ErrorCode parse(String s) {
    try {
      return valueOf(s);
    } catch (RuntimeException e) {
      return INTERNAL;
    }
  }
}
