package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The request body as a JSON object; anything else is {@code INVALID_SPEC} (never echoing the body). */
final class JsonBody {
  private JsonBody() {}

  static JsonObject object(RoutingContext ctx) {
    Buffer buffer = ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      throw notAnObject();
    }
    Object value;
    try {
      value = Json.decodeValue(buffer);
    } catch (DecodeException e) {
      throw ReachException.invalidSpec(null, "request body is not valid JSON");
    }
    if (value instanceof JsonObject o) {
      return o;
    }
    throw notAnObject();
  }

  /** Refuses any field of {@code body} not in {@code allowed}, naming it ({@code INVALID_REQUEST}). */
  static void requireOnly(JsonObject body, java.util.Set<String> allowed) {
    for (String f : body.fieldNames()) {
      if (!allowed.contains(f)) {
        throw new ReachException(ErrorCode.INVALID_REQUEST, "unknown field '" + f + "'; allowed: "
            + new java.util.TreeSet<>(allowed), f);
      }
    }
  }

  private static ReachException notAnObject() {
    return ReachException.invalidSpec(null, "request body must be a JSON object");
  }
}
