package dev.reach.shared.db;

import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;

/** Readiness procedure: the database answers {@code SELECT 1}; reports the latency. */
public final class DbHealth {
  private DbHealth() {}

  public static Handler<Promise<Status>> procedure(Db db) {
    return p -> {
      long t0 = System.nanoTime();
      db.ping().onComplete(ar -> {
        JsonObject data = new JsonObject().put("latency_ms", (System.nanoTime() - t0) / 1_000_000);
        if (ar.succeeded()) {
          p.tryComplete(Status.OK(data));
        } else {
          p.tryComplete(Status.KO(data.put("error", ar.cause().getMessage())));
        }
      });
    };
  }
}
