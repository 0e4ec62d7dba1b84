package dev.reach.shared.breaker;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A service's breakers on disk, {@code <state dir>/breakers-<service>.json}, so that a service
 * restarting into a dependency that is still broken starts with its breaker open instead of sending
 * it a new burst of calls. The state directory is the store because it is the one that works while a
 * dependency is down (the database may be the broken dependency). Each breaker change is written
 * whole (a temporary file moved over the old one), on the breaker events thread, never an event loop.
 */
public final class BreakerStateFile {
  private static final Logger LOG = Logger.getLogger(BreakerStateFile.class.getName());

  private final Path file;

  public BreakerStateFile(Path file) {
    this.file = file;
  }

  public static Path fileFor(Path stateDir, String service) {
    return stateDir.resolve("breakers-" + service + ".json");
  }

  /**
   * At a service's start: {@link #attach} {@code breakers} to {@code <stateDir>/breakers-<service>.json},
   * off the event loop; completes before the breakers take calls when composed before the first.
   */
  public static Future<Void> attachAtStart(Vertx vertx, Path stateDir, String service,
      List<? extends PersistentBreaker> breakers) {
    BreakerStateFile file = new BreakerStateFile(fileFor(stateDir, service));
    return vertx.executeBlocking(() -> {
      file.attach(breakers);
      return null;
    }, false);
  }

  public Path file() {
    return file;
  }

  /**
   * Binds {@code breakers} to the file: each is restored from what was saved under its name, and every
   * later change of any of them saves all of them. Reads the file on the calling thread: call it at
   * start, off the event loop, before the breakers take calls.
   */
  public void attach(List<? extends PersistentBreaker> breakers) {
    Map<String, BreakerSnapshot> saved = load();
    for (PersistentBreaker b : breakers) {
      BreakerSnapshot s = saved.get(b.name());
      if (s != null) {
        b.restore(s);
      }
      b.onStateSaved(() -> save(breakers.stream().map(PersistentBreaker::snapshot).toList()));
    }
  }

  /** The saved snapshots by name; none when the file is missing or unreadable (said in the log). */
  public Map<String, BreakerSnapshot> load() {
    Map<String, BreakerSnapshot> out = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      JsonObject breakers = new JsonObject(Files.readString(file, StandardCharsets.UTF_8))
          .getJsonObject("breakers", new JsonObject());
      for (String name : breakers.fieldNames()) {
        out.put(name, BreakerSnapshot.fromJson(name, breakers.getJsonObject(name)));
      }
    } catch (IOException | RuntimeException e) {
      LOG.warning("breaker state " + file + " unreadable (" + e.getMessage() + "); every breaker starts closed");
      out.clear();
    }
    return out;
  }

  /** Writes {@code snapshots} whole; a failure is logged (the breakers work on without a saved state). */
  public synchronized void save(Collection<BreakerSnapshot> snapshots) {
    JsonObject breakers = new JsonObject();
    snapshots.forEach(s -> breakers.put(s.name(), s.toJson()));
    JsonObject root = new JsonObject().put("saved_at_ms", System.currentTimeMillis()).put("breakers", breakers);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, root.encodePrettily(), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      LOG.warning("could not save breaker state to " + file + ": " + e.getMessage());
    }
  }
}
