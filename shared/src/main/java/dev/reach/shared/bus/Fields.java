package dev.reach.shared.bus;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Typed reads of message fields; a missing or mistyped field is a {@code MALFORMED_MESSAGE} naming it. */
public final class Fields {
  private Fields() {}

  public static JsonObject body(Object body) {
    if (body instanceof JsonObject o) {
      return o;
    }
    throw new ReachException(ErrorCode.MALFORMED_MESSAGE, "message body must be a JSON object");
  }

  public static String string(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v instanceof String s && !s.isEmpty()) {
      return s;
    }
    throw malformed(field, "a non-empty string");
  }

  public static String optString(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw malformed(field, "a string");
  }

  public static long longValue(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v instanceof Number n) {
      return n.longValue();
    }
    throw malformed(field, "a number");
  }

  public static Long optLong(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    throw malformed(field, "a number");
  }

  public static int intValue(JsonObject o, String field) {
    return (int) longValue(o, field);
  }

  public static JsonArray array(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v instanceof JsonArray a) {
      return a;
    }
    throw malformed(field, "an array");
  }

  public static JsonObject object(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v instanceof JsonObject j) {
      return j;
    }
    throw malformed(field, "an object");
  }

  private static ReachException malformed(String field, String what) {
    return new ReachException(ErrorCode.MALFORMED_MESSAGE, "field '" + field + "' must be " + what, field);
  }
}
