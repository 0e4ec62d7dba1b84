package dev.reach.artifacts;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Bytes of a log from {@code offset}, with the log's stored size and seal state at the time of the read. */
record LogSlice(Buffer data, long offset, long size, boolean sealed) {
  /** The {@code LOG_READ} reply; {@code data} travels as base64 (a JSON binary). */
  JsonObject toJson() {
    return new JsonObject()
        .put("data", data.getBytes())
        .put("offset", offset)
        .put("next_offset", offset + data.length())
        .put("size", size)
        .put("sealed", sealed);
  }
}
