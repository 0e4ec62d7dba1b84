package dev.reach.runner.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive lock a runner holds on its state directory ({@code runner.lock}) for its whole
 * life, so two copies can never share one (they would sweep and journal over each other). The OS
 * releases it when the process dies, however it dies.
 *
 * <p>POSIX record locks belong to the process, and closing any descriptor of the file drops all
 * of them — so a second attempt from this same JVM must not even open the file: directories
 * locked by this JVM are also remembered here and refused before the file is touched.
 */
public final class StateDirLock implements AutoCloseable {
  public static final String FILE = "runner.lock";
  private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path key;
  private final FileChannel channel;
  private final FileLock lock;
  private boolean released;

  private StateDirLock(Path key, FileChannel channel, FileLock lock) {
    this.key = key;
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock of an existing {@code stateDir}, or fails with {@link StateDirInUseException}. Blocking. */
  public static StateDirLock acquire(Path stateDir) throws IOException {
    Path key = stateDir.toRealPath();
    if (!HELD_IN_THIS_JVM.add(key)) {
      throw new StateDirInUseException(stateDir);
    }
    FileChannel ch = null;
    try {
      ch = FileChannel.open(key.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new StateDirInUseException(stateDir);
      }
      return new StateDirLock(key, ch, lock);
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        ch.close();
      }
      HELD_IN_THIS_JVM.remove(key);
      throw e;
    }
  }

  /** Releases the lock (idempotent). */
  @Override
  public synchronized void close() throws IOException {
    if (released) {
      return;
    }
    released = true;
    try {
      lock.release();
    } finally {
      channel.close();
      HELD_IN_THIS_JVM.remove(key);
    }
  }
}
