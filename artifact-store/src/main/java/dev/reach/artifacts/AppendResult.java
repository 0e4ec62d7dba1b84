package dev.reach.artifacts;

import io.vertx.core.json.JsonObject;

/** The answer to a log append: bytes received and stored so far, truncation, and the seal if sealed. */
record AppendResult(long received, long size, boolean truncated, LogSeal seal) {
  static AppendResult of(LogState st) {
    return new AppendResult(st.received, st.stored, st.truncated, st.seal);
  }

  JsonObject toJson() {
    JsonObject o = new JsonObject()
        .put("received", received)
        .put("size", size)
        .put("truncated", truncated)
        .put("sealed", seal != null);
    if (seal != null) {
      o.put("sha256", seal.sha256());
    }
    return o;
  }
}
