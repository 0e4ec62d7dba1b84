package dev.reach.shared.spec;

import dev.reach.shared.error.ReachException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a JSON object strictly: unknown fields and mistyped values are refused with an
 * {@code INVALID_SPEC} error naming the field by its path (for example {@code jobs[2].timeout_seconds}).
 */
final class StrictJson {
  private final JsonObject obj;
  private final String path;

  StrictJson(JsonObject obj, String path, Set<String> allowed) {
    this.obj = obj;
    this.path = path;
    for (String key : obj.fieldNames()) {
      if (!allowed.contains(key)) {
        throw ReachException.invalidSpec(field(key), "unknown field '" + field(key) + "'; allowed: " + String.join(", ", allowed));
      }
    }
  }

  String field(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  String requiredString(String key, int maxLen) {
    Object v = obj.getValue(key);
    if (v == null) {
      throw ReachException.invalidSpec(field(key), "field '" + field(key) + "' is required");
    }
    return string(key, v, maxLen);
  }

  String optionalString(String key, int maxLen, String dflt) {
    Object v = obj.getValue(key);
    return v == null ? dflt : string(key, v, maxLen);
  }

  private String string(String key, Object v, int maxLen) {
    if (!(v instanceof String s)) {
      throw ReachException.invalidSpec(field(key), "field '" + field(key) + "' must be a string");
    }
    if (s.isEmpty()) {
      throw ReachException.invalidSpec(field(key), "field '" + field(key) + "' must not be empty");
    }
    if (s.length() > maxLen) {
      throw ReachException.invalidSpec(field(key), "field '" + field(key) + "' is longer than " + maxLen + " characters");
    }
    return s;
  }

  int optionalInt(String key, int dflt, int min, int max) {
    Object v = obj.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw ReachException.invalidSpec(field(key), "field '" + field(key) + "' must be an integer");
    }
    long l = n.longValue();
    if (l < min || l > max) {
      throw ReachException.invalidSpec(field(key), "field '" + field(key) + "' must be between " + min + " and " + max);
    }
    return (int) l;
  }

  /** An optional integer in [min, max]; {@code null} when absent. */
  Long optionalLong(String key, long min, long max) {
    Object v = obj.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw ReachException.invalidSpec(field(key), "field '" + field(key) + "' must be an integer");
    }
    long l = n.longValue();
    if (l < min || l > max) {
      throw ReachException.invalidSpec(field(key), "field '" + field(key) + "' must be between " + min + " and " + max);
    }
    return l;
  }

  List<String> optionalStrings(String key, int maxItems, int maxLen) {
    Object v = obj.getValue(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray arr)) {
      throw ReachException.invalidSpec(field(key), "field '" + field(key) + "' must be an array of strings");
    }
    if (arr.size() > maxItems) {
      throw ReachException.invalidSpec(field(key), "field '" + field(key) + "' has more than " + maxItems + " items");
    }
    List<String> out = new ArrayList<>(arr.size());
    for (int i = 0; i < arr.size(); i++) {
      Object item = arr.getValue(i);
      String f = field(key) + "[" + i + "]";
      if (!(item instanceof String s) || s.isEmpty()) {
        throw ReachException.invalidSpec(f, "field '" + f + "' must be a non-empty string");
      }
      if (s.length() > maxLen) {
        throw ReachException.invalidSpec(f, "field '" + f + "' is longer than " + maxLen + " characters");
      }
      out.add(s);
    }
    return out;
  }

  Map<String, String> optionalStringMap(String key, int maxItems, int maxLen) {
    Object v = obj.getValue(key);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof JsonObject o)) {
      throw ReachException.invalidSpec(field(key), "field '" + field(key) + "' must be an object of strings");
    }
    if (o.size() > maxItems) {
      throw ReachException.invalidSpec(field(key), "field '" + field(key) + "' has more than " + maxItems + " entries");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : o.fieldNames()) {
      Object item = o.getValue(name);
      String f = field(key) + "." + name;
      if (!(item instanceof String s)) {
        throw ReachException.invalidSpec(f, "field '" + f + "' must be a string");
      }
      if (s.length() > maxLen) {
        throw ReachException.invalidSpec(f, "field '" + f + "' is longer than " + maxLen + " characters");
      }
      out.put(name, s);
    }
    return out;
  }

  JsonArray requiredArray(String key, int minItems, int maxItems) {
    Object v = obj.getValue(key);
    if (v == null) {
      throw ReachException.invalidSpec(field(key), "field '" + field(key) + "' is required");
    }
    if (!(v instanceof JsonArray arr)) {
      throw ReachException.invalidSpec(field(key), "field '" + field(key) + "' must be an array");
    }
    if (arr.size() < minItems || arr.size() > maxItems) {
      throw ReachException.invalidSpec(field(key), "field '" + field(key) + "' must have between " + minItems + " and " + maxItems + " items");
    }
    return arr;
  }
}
