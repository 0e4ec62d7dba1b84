package dev.reach.artifacts;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * Content-addressed file storage: {@code blobs/sha256/<first2>/<sha256>}. A finished upload is
 * synced and renamed into place; identical content is stored once.
 *
 * <p>Deleting a blob races with an upload of the same content that finds the blob in place and
 * only then records its row. Both sides take the blob's lock: an upload that reuses a blob
 * refreshes its modification time, and {@link #deleteIfIdleSince} deletes only a blob untouched
 * since the cutoff, so a blob an upload is about to refer to again is never deleted under it.
 */
final class BlobStore {
  private static final int STRIPES = 64;

  private final StoreLayout layout;
  private final Object[] locks = new Object[STRIPES];

  BlobStore(StoreLayout layout) {
    this.layout = layout;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  Path newTempFile() {
    return layout.newTempFile();
  }

  Path path(String sha256) {
    return layout.blob(sha256);
  }

  /**
   * Blocking: moves the finished temp file to its content address, or drops it when that blob
   * exists already (refreshing the blob's modification time). The temp file is synced first, so
   * a blob in place is a complete blob.
   */
  StoredBlob commit(Path temp, String sha256, long size) throws IOException {
    Path target = layout.blob(sha256);
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    synchronized (lock(sha256)) {
      if (Files.exists(target)) {
        Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
        Files.deleteIfExists(temp);
        return new StoredBlob(sha256, size, true);
      }
      Files.createDirectories(target.getParent());
      // rename(2) replaces atomically
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      return new StoredBlob(sha256, size, false);
    }
  }

  /**
   * Blocking: deletes the blob when it was last modified before {@code cutoff}; returns its size,
   * or -1 when it was kept (touched since, or gone already). Call only for a blob no row refers to.
   */
  long deleteIfIdleSince(String sha256, Instant cutoff) throws IOException {
    Path target = layout.blob(sha256);
    synchronized (lock(sha256)) {
      try {
        if (!Files.getLastModifiedTime(target).toInstant().isBefore(cutoff)) {
          return -1;
        }
        long size = Files.size(target);
        Files.delete(target);
        return size;
      } catch (NoSuchFileException e) {
        return -1;
      }
    }
  }

  private Object lock(String sha256) {
    return locks[Math.floorMod(sha256.hashCode(), STRIPES)];
  }
}
