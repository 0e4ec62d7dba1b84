package dev.reach.shared.spec;

import dev.reach.shared.error.ReachException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Secret values by name (a run's submitted secrets, or the ones a lease delivers). The values never
 * appear in {@link #toString()}; only {@link #toJson()} carries them, for the event-bus messages that
 * must (submission hub → orchestrator, lease orchestrator → runner). Names look like environment
 * variable names and may not start with {@code REACH_} (the job's own identity variables).
 */
public final class SecretValues {
  public static final SecretValues NONE = new SecretValues(Map.of());
  public static final int MAX_SECRETS = 64;
  /** The longest value, in characters. */
  public static final int MAX_VALUE_LENGTH = 16 * 1024;
  public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private final Map<String, String> values;

  private SecretValues(Map<String, String> values) {
    this.values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** Checked values: names valid, values non-empty and bounded (the errors name the field, never the value). */
  public static SecretValues of(Map<String, String> values, String field) {
    if (values.size() > MAX_SECRETS) {
      throw ReachException.invalidSpec(field, "field '" + field + "' has more than " + MAX_SECRETS + " entries");
    }
    for (Map.Entry<String, String> e : values.entrySet()) {
      String f = field + "." + e.getKey();
      String problem = nameProblem(e.getKey());
      if (problem != null) {
        throw ReachException.invalidSpec(f, "field '" + f + "': secret name '" + e.getKey() + "' " + problem);
      }
      if (e.getValue() == null || e.getValue().isEmpty()) {
        throw ReachException.invalidSpec(f, "field '" + f + "' must be a non-empty string");
      }
      if (e.getValue().length() > MAX_VALUE_LENGTH) {
        throw ReachException.invalidSpec(f, "field '" + f + "' is longer than " + MAX_VALUE_LENGTH + " characters");
      }
    }
    return values.isEmpty() ? NONE : new SecretValues(values);
  }

  /** Why {@code name} cannot name a secret, or null when it can. */
  public static String nameProblem(String name) {
    if (!NAME.matcher(name).matches()) {
      return "must match " + NAME.pattern();
    }
    if (name.startsWith("REACH_")) {
      return "must not start with REACH_ (reserved for the job's own variables)";
    }
    return null;
  }

  static SecretValues parse(StrictJson in, String key) {
    return of(in.optionalStringMap(key, MAX_SECRETS, MAX_VALUE_LENGTH), in.field(key));
  }

  /** Reads the {@link #toJson()} form of a bus message (null or absent: none). */
  public static SecretValues fromJson(Object json, String field) {
    if (json == null) {
      return NONE;
    }
    if (!(json instanceof JsonObject o)) {
      throw ReachException.invalidSpec(field, "field '" + field + "' must be an object of strings");
    }
    Map<String, String> m = new TreeMap<>();
    for (String name : o.fieldNames()) {
      if (!(o.getValue(name) instanceof String s)) {
        throw ReachException.invalidSpec(field + "." + name, "field '" + field + "." + name + "' must be a string");
      }
      m.put(name, s);
    }
    return of(m, field);
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  public int size() {
    return values.size();
  }

  /** The names, sorted. */
  public List<String> names() {
    return List.copyOf(values.keySet());
  }

  public Collection<String> values() {
    return values.values();
  }

  /** Name → value, sorted by name; for the job's environment only. */
  public Map<String, String> asMap() {
    return values;
  }

  /** {@code other}'s entries over these ones (same name: other wins). */
  public SecretValues overriddenBy(SecretValues other) {
    if (other.isEmpty()) {
      return this;
    }
    Map<String, String> m = new TreeMap<>(values);
    m.putAll(other.values);
    return new SecretValues(m);
  }

  /** The values, for a bus message that must carry them. */
  public JsonObject toJson() {
    return new JsonObject(new java.util.LinkedHashMap<String, Object>(values));
  }

  /** The names as a JSON array: the form stored specs and events may hold. */
  public JsonArray namesJson() {
    return new JsonArray(new ArrayList<Object>(values.keySet()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecretValues s && s.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "SecretValues" + values.keySet() + " (values hidden)";
  }
}
