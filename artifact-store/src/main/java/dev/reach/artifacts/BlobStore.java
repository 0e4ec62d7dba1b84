package dev.reach.artifacts;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Content-addressed file storage: {@code blobs/sha256/<first2>/<sha256>}. A finished upload is
 * synced and renamed into place; identical content is stored once.
 */
final class BlobStore {
  private final StoreLayout layout;

  BlobStore(StoreLayout layout) {
    this.layout = layout;
  }

  Path newTempFile() {
    return layout.newTempFile();
  }

  Path path(String sha256) {
    return layout.blob(sha256);
  }

  /**
   * Blocking: moves the finished temp file to its content address, or drops it when that blob
   * exists already. The temp file is synced first, so a blob in place is a complete blob.
   */
  StoredBlob commit(Path temp, String sha256, long size) throws IOException {
    Path target = layout.blob(sha256);
    if (Files.exists(target)) {
      Files.deleteIfExists(temp);
      return new StoredBlob(sha256, size, true);
    }
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.createDirectories(target.getParent());
    // rename(2) replaces atomically; a concurrent identical upload may win the race, same bytes either way
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    return new StoredBlob(sha256, size, false);
  }
}
