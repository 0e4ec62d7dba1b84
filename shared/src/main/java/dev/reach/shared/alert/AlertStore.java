package dev.reach.shared.alert;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Alert state in a small JSON file in the service's state directory ({@code alerts-<service>.json}),
 * not in the database: "the database is unreachable" must be alertable, and its cooldown
 * remembered, while the database is down. Each save writes a temporary file, forces it to disk and
 * renames it over the old one, on a worker thread; saves that arrive while one is being written
 * are coalesced into one more write of the newest state.
 */
public final class AlertStore {
  private static final Logger LOG = Logger.getLogger(AlertStore.class.getName());

  private final Vertx vertx;
  private final Path file;
  private JsonObject pending; // guarded by this
  private boolean writing; // guarded by this
  private Promise<Void> idle; // guarded by this: completed when nothing is pending or being written

  public AlertStore(Vertx vertx, Path file) {
    this.vertx = vertx;
    this.file = file;
  }

  /** {@code dir/alerts-<service>.json}. */
  public static Path fileFor(Path stateDir, String service) {
    return stateDir.resolve("alerts-" + service + ".json");
  }

  public Path file() {
    return file;
  }

  /** Reads the saved states (none when the file does not exist or cannot be read); on a worker thread. */
  public Future<Map<String, AlertState>> load() {
    return vertx.executeBlocking(() -> {
      Map<String, AlertState> out = new LinkedHashMap<>();
      if (!Files.exists(file)) {
        return out;
      }
      try {
        JsonObject root = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
        JsonObject alerts = root.getJsonObject("alerts", new JsonObject());
        for (String key : alerts.fieldNames()) {
          out.put(key, AlertState.fromJson(key, alerts.getJsonObject(key)));
        }
      } catch (IOException | RuntimeException e) {
        LOG.warning("alert state " + file + " unreadable (" + e.getMessage() + "); starting from no state");
        out.clear();
      }
      return out;
    }, false);
  }

  /** Saves {@code snapshot} soon; returns at once. */
  public void save(JsonObject snapshot) {
    synchronized (this) {
      pending = snapshot;
      if (writing) {
        return;
      }
      writing = true;
    }
    writeNext();
  }

  private void writeNext() {
    JsonObject next;
    synchronized (this) {
      next = pending;
      pending = null;
      if (next == null) {
        writing = false;
        if (idle != null) {
          idle.tryComplete();
          idle = null;
        }
        return;
      }
    }
    vertx.executeBlocking(() -> {
      write(next);
      return null;
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warning("cannot save alert state to " + file + ": " + ar.cause().getMessage());
      }
      writeNext();
    });
  }

  private void write(JsonObject snapshot) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    byte[] bytes = snapshot.encodePrettily().getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Completes once every save made so far is on disk (or failed and was logged). */
  public Future<Void> flushed() {
    synchronized (this) {
      if (!writing) {
        return Future.succeededFuture();
      }
      if (idle == null) {
        idle = Promise.promise();
      }
      return idle.future();
    }
  }
}
