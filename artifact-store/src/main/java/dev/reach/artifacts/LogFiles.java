package dev.reach.artifacts;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/** Blocking file work on log files; called only from {@code executeBlocking}. */
final class LogFiles {
  private static final int SCAN_BUFFER = 64 * 1024;

  /** A log file read back from disk: its size, the digest of its bytes, and whether it ends truncated. */
  record Scan(long size, MessageDigest digest, boolean truncated) {}

  private LogFiles() {}

  /** The file's size, or -1 when it does not exist. */
  static long size(Path file) throws IOException {
    try {
      return Files.size(file);
    } catch (NoSuchFileException e) {
      return -1;
    }
  }

  /** Reads the whole file once to rebuild its digest and truncation flag. */
  static Scan scan(Path file) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    byte[] tail = new byte[LogCap.TAIL_BYTES];
    int tailLen = 0;
    long size = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(SCAN_BUFFER);
      int n;
      while ((n = ch.read(buf)) != -1) {
        if (n == 0) {
          continue;
        }
        buf.flip();
        byte[] chunk = new byte[buf.remaining()];
        buf.get(chunk);
        buf.clear();
        digest.update(chunk);
        size += chunk.length;
        if (chunk.length >= tail.length) {
          System.arraycopy(chunk, chunk.length - tail.length, tail, 0, tail.length);
          tailLen = tail.length;
        } else {
          int keep = Math.min(tailLen, tail.length - chunk.length);
          System.arraycopy(tail, tailLen - keep, tail, 0, keep);
          System.arraycopy(chunk, 0, tail, keep, chunk.length);
          tailLen = keep + chunk.length;
        }
      }
    }
    byte[] end = new byte[tailLen];
    System.arraycopy(tail, 0, end, 0, tailLen);
    return new Scan(size, digest, LogCap.isTruncated(size, end));
  }

  /**
   * Writes {@code plan} at {@code position} (the stored size; anything past it, left by an earlier
   * failed write, is cut first), updates {@code digest} once the bytes are written, and returns the
   * new stored size. Creates the file (and its job directory) when needed, even for an empty plan.
   * No fsync: a log is rebuilt from whatever reached the disk.
   */
  static long write(Path file, long position, LogCap.Plan plan, MessageDigest digest) throws IOException {
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      Files.createDirectories(file.getParent());
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }
    try (FileChannel c = ch) {
      if (c.size() > position) {
        c.truncate(position);
      }
      long pos = position;
      byte[] data = plan.data().getBytes();
      pos += writeFully(c, ByteBuffer.wrap(data), pos);
      if (plan.marker() != null) {
        pos += writeFully(c, ByteBuffer.wrap(plan.marker()), pos);
      }
      digest.update(data);
      if (plan.marker() != null) {
        digest.update(plan.marker());
      }
      return pos;
    }
  }

  private static long writeFully(FileChannel c, ByteBuffer buf, long position) throws IOException {
    long written = 0;
    while (buf.hasRemaining()) {
      written += c.write(buf, position + written);
    }
    return written;
  }

  /** Up to {@code length} bytes from {@code offset}; fewer when the file ends first. */
  static Buffer read(Path file, long offset, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (buf.hasRemaining()) {
        int n = ch.read(buf, offset + buf.position());
        if (n <= 0) {
          break;
        }
      }
    }
    buf.flip();
    byte[] out = new byte[buf.remaining()];
    buf.get(out);
    return Buffer.buffer(out);
  }
}
