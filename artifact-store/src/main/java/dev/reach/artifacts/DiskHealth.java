package dev.reach.artifacts;

import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** Readiness procedure: a probe file can be written and removed under the artifact directory; reports free space. */
final class DiskHealth {
  private DiskHealth() {}

  static Handler<Promise<Status>> procedure(Vertx vertx, StoreLayout layout) {
    return p -> vertx.executeBlocking(() -> {
      Path probe = layout.tmpDir().resolve(".ready-" + UUID.randomUUID());
      Files.write(probe, new byte[] {1});
      Files.delete(probe);
      return Files.getFileStore(layout.root()).getUsableSpace();
    }, false).onComplete(ar -> {
      JsonObject data = new JsonObject().put("dir", layout.root().toString());
      if (ar.succeeded()) {
        p.tryComplete(Status.OK(data.put("usable_bytes", ar.result())));
      } else {
        p.tryComplete(Status.KO(data.put("error", ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage())));
      }
    });
  }
}
