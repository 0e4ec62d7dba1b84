package dev.reach.artifacts;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** An attempt's log metadata and stored files: {@code {"log": {...} | null, "files": [...]}}. */
final class ArtifactListing {
  private final LogStore logs;
  private final ArtifactRepository repo;

  ArtifactListing(LogStore logs, ArtifactRepository repo) {
    this.logs = logs;
    this.repo = repo;
  }

  Future<JsonObject> list(LogKey key) {
    Future<LogView> log = logs.view(key);
    Future<List<ArtifactFile>> files = repo.listArtifacts(key);
    return Future.all(log, files).map(all -> {
      JsonArray array = new JsonArray();
      files.result().forEach(f -> array.add(f.toJson()));
      return new JsonObject().put("log", log.result().toListingJson()).put("files", array);
    });
  }
}
