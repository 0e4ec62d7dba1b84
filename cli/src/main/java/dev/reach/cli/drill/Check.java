package dev.reach.cli.drill;

import io.vertx.core.json.JsonObject;

/** One invariant a drill verified: its name, whether it held, and what was seen. */
public record Check(String name, boolean ok, String detail) {
  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("ok", ok).put("detail", detail);
  }
}
