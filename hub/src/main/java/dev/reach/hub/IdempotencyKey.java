package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.regex.Pattern;

/** The optional {@code Idempotency-Key} header: once, 1 to 200 printable ASCII characters. */
final class IdempotencyKey {
  static final String HEADER = "Idempotency-Key";
  private static final Pattern VALID = Pattern.compile("[\\x20-\\x7E]{1,200}");

  private IdempotencyKey() {}

  /** The key, or null when the header is absent. */
  static String from(HttpServerRequest request) {
    List<String> values = request.headers().getAll(HEADER);
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw invalid("header " + HEADER + " must be given once");
    }
    String key = values.get(0);
    if (!VALID.matcher(key).matches()) {
      throw invalid("header " + HEADER + " must be 1 to 200 printable ASCII characters");
    }
    return key;
  }

  private static ReachException invalid(String message) {
    return new ReachException(ErrorCode.INVALID_REQUEST, message, HEADER);
  }
}
