package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Job ids in paths are UUIDs; anything else is {@code INVALID_REQUEST} naming the field, without asking anyone. */
final class JobIds {
  static final String FIELD = "job_id";
  private static final Pattern UUID =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private JobIds() {}

  /** The id in canonical (lower-case) form. */
  static String require(String id) {
    if (id == null || !UUID.matcher(id).matches()) {
      throw new ReachException(ErrorCode.INVALID_REQUEST, "job_id must be a UUID", FIELD);
    }
    return id.toLowerCase(Locale.ROOT);
  }
}
