package dev.reach.artifacts;

import io.vertx.core.Future;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * What the store knows about one open log, owned by the store's event loop: bytes received,
 * bytes stored, the truncation flag, the running digest of the stored bytes and, once sealed, the
 * seal. Rebuilt from the file (and the seal row) when missing, e.g. after a restart.
 */
final class LogState {
  final LogKey key;
  final Path file;
  /** Appends (and seals) of this log run one at a time, in arrival order. */
  final Serial serial = new Serial();
  Future<Void> loading;
  boolean loaded;
  boolean exists;
  long received;
  long stored;
  boolean truncated;
  /** Digest of the stored bytes; null once sealed. */
  MessageDigest digest;
  LogSeal seal;
  int pending;
  long lastUsedNanos;

  LogState(LogKey key, Path file) {
    this.key = key;
    this.file = file;
    this.lastUsedNanos = System.nanoTime();
  }

  void touch() {
    lastUsedNanos = System.nanoTime();
  }

  LogView view() {
    return new LogView(exists, received, stored, truncated, seal);
  }
}
