package dev.reach.shared.spec;

/** Validation of artifact paths and globs: relative, no {@code ..} segments, no NUL or backslash. */
public final class ArtifactNames {
  private ArtifactNames() {}

  /** Returns why {@code name} is not acceptable, or null when it is. */
  public static String problem(String name) {
    if (name.isEmpty()) {
      return "must not be empty";
    }
    if (name.startsWith("/")) {
      return "must be a relative path, not absolute";
    }
    if (name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
      return "must not contain NUL or backslash";
    }
    for (String segment : name.split("/", -1)) {
      if (segment.equals("..")) {
        return "must not contain '..'";
      }
      if (segment.isEmpty()) {
        return "must not contain empty path segments";
      }
    }
    return null;
  }
}
