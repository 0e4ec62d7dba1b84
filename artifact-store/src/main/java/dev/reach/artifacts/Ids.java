package dev.reach.artifacts;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** Parsing of job ids (canonical UUIDs) and attempt numbers (positive integers); null when invalid. */
final class Ids {
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern POSITIVE = Pattern.compile("[1-9][0-9]{0,9}");

  private Ids() {}

  static UUID jobId(String s) {
    if (s == null || !UUID_TEXT.matcher(s).matches()) {
      return null;
    }
    return UUID.fromString(s.toLowerCase(Locale.ROOT));
  }

  static Integer attempt(String s) {
    if (s == null || !POSITIVE.matcher(s).matches()) {
      return null;
    }
    long n = Long.parseLong(s);
    return n > Integer.MAX_VALUE ? null : (int) n;
  }
}
