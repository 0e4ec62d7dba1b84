package dev.reach.artifacts;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import java.util.UUID;

/** HTTP path and query parameters; a bad one is {@code INVALID_REQUEST} naming the field. */
final class RequestParams {
  private RequestParams() {}

  static LogKey logKey(String jobId, String attempt) {
    UUID id = Ids.jobId(jobId);
    if (id == null) {
      throw invalid("job_id", "job_id must be a UUID");
    }
    Integer n = Ids.attempt(attempt);
    if (n == null) {
      throw invalid("attempt", "attempt must be a positive integer");
    }
    return new LogKey(id, n);
  }

  /** The lease token of the writer (stored, not yet checked). */
  static long token(String raw) {
    if (raw == null || raw.isEmpty()) {
      throw invalid("token", "token is required");
    }
    return nonNegative(raw, "token");
  }

  static long nonNegative(String raw, String field, long dflt) {
    return raw == null || raw.isEmpty() ? dflt : nonNegative(raw, field);
  }

  static long required(String raw, String field) {
    if (raw == null || raw.isEmpty()) {
      throw invalid(field, field + " is required");
    }
    return nonNegative(raw, field);
  }

  static boolean flag(String raw, String field) {
    if (raw == null || raw.isEmpty() || raw.equals("false")) {
      return false;
    }
    if (raw.equals("true")) {
      return true;
    }
    throw invalid(field, field + " must be true or false");
  }

  private static long nonNegative(String raw, String field) {
    try {
      long v = Long.parseLong(raw);
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // fall through
    }
    throw invalid(field, field + " must be a non-negative integer");
  }

  static ReachException invalid(String field, String message) {
    return new ReachException(ErrorCode.INVALID_REQUEST, message, field);
  }
}
