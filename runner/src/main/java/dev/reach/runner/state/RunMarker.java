package dev.reach.runner.state;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code running.marker}: written (under the state-dir lock) when a runner starts, deleted when
 * it stops cleanly. Finding one at start means the previous incarnation ended without a clean
 * stop (killed, crashed, host lost). Blocking.
 */
public record RunMarker(String incarnation, long pid, Instant startedAt) {
  public static final String FILE = "running.marker";

  /** The marker left by an earlier run, if any; an unreadable one still means an unclean shutdown. */
  public static Optional<RunMarker> find(Path stateDir) throws IOException {
    Path file = stateDir.resolve(FILE);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      JsonObject o = new JsonObject(text);
      return Optional.of(new RunMarker(
          o.getString("incarnation", "unknown"), o.getLong("pid", -1L), Instant.parse(o.getString("started_at"))));
    } catch (RuntimeException e) {
      return Optional.of(new RunMarker("unknown", -1, Instant.EPOCH));
    }
  }

  public void write(Path stateDir) throws IOException {
    JsonObject o = new JsonObject().put("incarnation", incarnation).put("pid", pid).put("started_at", startedAt.toString());
    AtomicFiles.write(stateDir.resolve(FILE), o.encode().getBytes(StandardCharsets.UTF_8), true);
  }

  public static void remove(Path stateDir) throws IOException {
    Files.deleteIfExists(stateDir.resolve(FILE));
    AtomicFiles.syncDirectory(stateDir);
  }
}
