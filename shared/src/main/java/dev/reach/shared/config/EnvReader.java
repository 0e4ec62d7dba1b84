package dev.reach.shared.config;

import dev.reach.shared.logging.Redactor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Reads {@code REACH_*} variables, collecting every problem so {@link #validate()} reports them all at once. */
public final class EnvReader {
  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  public EnvReader(Map<String, String> env) {
    this.env = env;
  }

  public String string(String name, String dflt) {
    String v = env.get(name);
    return v == null || v.isBlank() ? dflt : v.trim();
  }

  public long longValue(String name, long dflt, long min, long max) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      long l = Long.parseLong(v.trim());
      if (l < min || l > max) {
        problems.add(name + "=" + v + ": must be between " + min + " and " + max);
        return dflt;
      }
      return l;
    } catch (NumberFormatException e) {
      problems.add(name + "=" + v + ": not an integer");
      return dflt;
    }
  }

  public int intValue(String name, int dflt, int min, int max) {
    return (int) longValue(name, dflt, min, max);
  }

  public boolean bool(String name, boolean dflt) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes", "on":
        return true;
      case "false", "0", "no", "off":
        return false;
      default:
        problems.add(name + "=" + v + ": must be true or false");
        return dflt;
    }
  }

  public List<String> list(String name, String dflt) {
    String v = string(name, dflt);
    if (v == null || v.isBlank()) {
      return List.of();
    }
    return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** Parses with {@code parser}; a thrown IllegalArgumentException becomes a problem naming the variable. */
  public <T> T parsed(String name, String dflt, Function<String, T> parser) {
    String v = string(name, dflt);
    try {
      return parser.apply(v);
    } catch (IllegalArgumentException e) {
      problems.add(name + "=" + v + ": " + e.getMessage());
      return null;
    }
  }

  public void problem(String text) {
    problems.add(text);
  }

  /** Throws a {@link ConfigException} naming every problem; credentials in the values echoed are masked. */
  public void validate() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems.stream().map(Redactor::redact).toList());
    }
  }
}
