package dev.reach.runner.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Small state files written so a reader sees either the old content or the new, never a torn
 * one: a temporary file beside the target ({@code NAME.tmp}), then an atomic rename. A durable
 * write also fsyncs the file before the rename and the directory after it, so the entry survives
 * a power loss, not only a crash of the runner. Files are the runner's alone ({@code 0600}). Blocking.
 */
public final class AtomicFiles {
  public static final String TEMP_SUFFIX = ".tmp";
  public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE = PosixFilePermissions.asFileAttribute(PRIVATE_FILE);

  private AtomicFiles() {}

  public static void write(Path target, byte[] bytes, boolean durable) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
    try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE), PRIVATE)) {
      Files.setPosixFilePermissions(tmp, PRIVATE_FILE); // a leftover temporary file keeps its old mode otherwise
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      if (durable) {
        ch.force(true);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    if (durable) {
      syncDirectory(target.getParent());
    }
  }

  /** Makes a directory's entries (a rename, a delete) durable. Best effort: not every file system lets a directory be synced. */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | RuntimeException ignored) {
      // the rename itself is atomic; only its durability across a power loss is at stake
    }
  }
}
