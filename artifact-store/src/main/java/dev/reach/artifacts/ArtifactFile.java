package dev.reach.artifacts;

import io.vertx.core.json.JsonObject;

/** One stored file of an attempt: its path (as named by the job), content hash and size. */
record ArtifactFile(String path, String sha256, long size) {
  JsonObject toJson() {
    return new JsonObject().put("path", path).put("sha256", sha256).put("size", size);
  }
}
