package dev.reach.cli.backup;

import dev.reach.shared.config.DbUrl;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import java.util.function.Function;

/** A test's look into a database: one connection of a Vert.x of its own, both closed after {@code f}. */
final class OnDatabase {
  private OnDatabase() {}

  static <T> T query(DbUrl u, Function<PgConnection, T> f) {
    Vertx vertx = Vertx.vertx();
    try {
      PgConnection c = PgConnection.connect(vertx, PgTools.options(u)).await();
      try {
        return f.apply(c);
      } finally {
        c.close().await();
      }
    } finally {
      vertx.close().await();
    }
  }
}
