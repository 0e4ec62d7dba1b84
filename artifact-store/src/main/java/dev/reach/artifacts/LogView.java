package dev.reach.artifacts;

import io.vertx.core.json.JsonObject;

/** A snapshot of one log for readers: whether it exists, its sizes, truncation and seal. */
record LogView(boolean exists, long received, long stored, boolean truncated, LogSeal seal) {
  static final LogView ABSENT = new LogView(false, 0, 0, false, null);

  boolean sealed() {
    return seal != null;
  }

  /** The {@code "log"} member of an artifact listing, or null when nothing was ever written. */
  JsonObject toListingJson() {
    if (!exists) {
      return null;
    }
    return new JsonObject()
        .put("size", stored)
        .put("sha256", seal == null ? null : seal.sha256())
        .put("truncated", truncated)
        .put("sealed", seal != null);
  }
}
