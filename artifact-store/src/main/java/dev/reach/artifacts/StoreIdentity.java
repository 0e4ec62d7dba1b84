package dev.reach.artifacts;

import dev.reach.shared.db.Db;
import dev.reach.shared.db.SqlFile;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Which installation an artifact directory belongs to: the database's {@code installation.id},
 * written to {@code <artifact dir>/installation-id} the first time it is asked. Orphan collection
 * goes ahead only while the two agree, so a store pointed at another (or an empty) database by
 * mistake never takes every blob for unreferenced and deletes it.
 */
final class StoreIdentity {
  private static final SqlFile SQL = SqlFile.load("sql/artifacts.sql");

  private final Vertx vertx;
  private final Db db;
  private final StoreLayout layout;

  StoreIdentity(Vertx vertx, Db db, StoreLayout layout) {
    this.vertx = vertx;
    this.db = db;
    this.layout = layout;
  }

  /** Succeeds when the directory belongs to the database (claiming it when it belongs to none yet). */
  Future<Void> verify() {
    return db.query(SQL.get("installation_id"), Tuple.tuple())
        .map(rows -> rows.iterator().next().getString("id"))
        .compose(dbId -> vertx.executeBlocking(() -> {
          Path file = layout.installationFile();
          if (!Files.exists(file)) {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, dbId + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return null;
          }
          String dirId = Files.readString(file, StandardCharsets.UTF_8).trim();
          if (!dirId.equals(dbId)) {
            throw new ReachException(ErrorCode.INTERNAL, "artifact directory " + layout.root()
                + " belongs to installation " + dirId + " but the database is installation " + dbId
                + ": orphan collection refused (check REACH_DB_URL and REACH_ARTIFACT_DIR)");
          }
          return null;
        }, false));
  }
}
