package dev.reach.artifacts;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Where things live under the artifact directory: {@code logs/<job_id>/<attempt>.log},
 * {@code blobs/sha256/<first2>/<sha256>} and {@code tmp/} for uploads in progress.
 */
final class StoreLayout {
  private static final Logger LOG = Logger.getLogger(StoreLayout.class.getName());
  /** Temp files older than this at start belong to uploads that died with a previous process. */
  static final Duration STALE_TEMP = Duration.ofHours(1);

  private final Path root;
  private final Path logs;
  private final Path blobs;
  private final Path tmp;

  StoreLayout(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.logs = this.root.resolve("logs");
    this.blobs = this.root.resolve("blobs").resolve("sha256");
    this.tmp = this.root.resolve("tmp");
  }

  Path root() {
    return root;
  }

  Path tmpDir() {
    return tmp;
  }

  /** {@code logs/}: one directory per job, named by its id. */
  Path logsDir() {
    return logs;
  }

  /** {@code blobs/sha256/}: one directory per first two hex digits. */
  Path blobsDir() {
    return blobs;
  }

  /** {@code logs/<job_id>/}: every attempt's log of the job. */
  Path jobLogDir(java.util.UUID jobId) {
    return logs.resolve(jobId.toString());
  }

  /** Records which installation (database) this directory belongs to; see {@link StoreIdentity}. */
  Path installationFile() {
    return root.resolve("installation-id");
  }

  Path logFile(LogKey key) {
    return logs.resolve(key.jobId().toString()).resolve(key.attempt() + ".log");
  }

  Path blob(String sha256) {
    if (!Sha256.HEX.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a sha256: " + sha256);
    }
    return blobs.resolve(sha256.substring(0, 2)).resolve(sha256);
  }

  Path newTempFile() {
    return tmp.resolve(UUID.randomUUID() + ".part");
  }

  /** Blocking: creates the directories and removes stale temp files. */
  Void prepare() throws IOException {
    Files.createDirectories(logs);
    Files.createDirectories(blobs);
    Files.createDirectories(tmp);
    FileTime cutoff = FileTime.from(Instant.now().minus(STALE_TEMP));
    int removed = 0;
    try (DirectoryStream<Path> parts = Files.newDirectoryStream(tmp, "*.part")) {
      for (Path p : parts) {
        if (Files.getLastModifiedTime(p).compareTo(cutoff) < 0 && Files.deleteIfExists(p)) {
          removed++;
        }
      }
    }
    if (removed > 0) {
      LOG.info("removed " + removed + " stale upload temp files from " + tmp);
    }
    return null;
  }
}
