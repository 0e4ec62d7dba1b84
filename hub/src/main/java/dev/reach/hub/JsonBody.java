package dev.reach.hub;

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

  private static ReachException notAnObject() {
    return ReachException.invalidSpec(null, "request body must be a JSON object");
  }
}
