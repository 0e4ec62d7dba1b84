package dev.reach.runner.state;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The process groups of this runner's jobs, one file per attempt: {@code groups/TOKEN.json},
 * written when the job's process starts and deleted once its group is confirmed gone. What is
 * left after a crash is what the next incarnation must sweep. Not fsynced: the records matter
 * only while the host (and so the processes) survive. Blocking; safe from several threads (each
 * token has its own file).
 */
public final class GroupRecords {
  private final Path dir;

  /** One file found: its record, or empty when it could not be read. */
  public record Found(Path file, Optional<GroupRecord> record) {}

  public GroupRecords(Path stateDir) {
    this.dir = stateDir.resolve("groups");
  }

  public Path dir() {
    return dir;
  }

  public void write(GroupRecord r) throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.write(file(r.token()), r.toJson().encode().getBytes(StandardCharsets.UTF_8), false);
  }

  public void delete(long token) throws IOException {
    Files.deleteIfExists(file(token));
  }

  public void delete(Found f) throws IOException {
    Files.deleteIfExists(f.file());
  }

  /** Every record file (temporary files of an interrupted write are removed). */
  public List<Found> list() throws IOException {
    List<Found> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.endsWith(AtomicFiles.TEMP_SUFFIX)) {
          Files.deleteIfExists(f);
        } else if (name.endsWith(".json")) {
          out.add(new Found(f, parse(f)));
        }
      }
    }
    return out;
  }

  private static Optional<GroupRecord> parse(Path f) {
    try {
      return Optional.of(GroupRecord.fromJson(new JsonObject(Files.readString(f, StandardCharsets.UTF_8))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private Path file(long token) {
    return dir.resolve(token + ".json");
  }
}
