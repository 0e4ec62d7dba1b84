package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Run ids are UUIDs; anything else cannot name a run, so it is not found without asking anyone. */
final class RunIds {
  private static final Pattern UUID =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private RunIds() {}

  /** Whether {@code id} has the form of a run id. */
  static boolean isRunId(String id) {
    return id != null && UUID.matcher(id).matches();
  }

  /** The id in canonical (lower-case) form, or {@code RUN_NOT_FOUND}. */
  static String require(String id) {
    if (!isRunId(id)) {
      throw new ReachException(ErrorCode.RUN_NOT_FOUND, "no run with this id");
    }
    return id.toLowerCase(Locale.ROOT);
  }
}
