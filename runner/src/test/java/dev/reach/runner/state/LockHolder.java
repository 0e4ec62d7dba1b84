package dev.reach.runner.state;

import java.nio.file.Path;

/**
 * A second runner process for {@link StateDirLockTest}: takes the lock of {@code STATE_DIR},
 * prints {@code locked}, and holds it until its stdin closes (or 60 s pass).
 * Usage: {@code LockHolder STATE_DIR}.
 */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    try (StateDirLock lock = StateDirLock.acquire(Path.of(args[0]))) {
      System.out.println("locked");
      System.out.flush();
      Thread reader = new Thread(() -> {
        try {
          while (System.in.read() >= 0) {
            // wait for the end of stdin
          }
        } catch (java.io.IOException ignored) {
          // the test is gone
        }
      });
      reader.setDaemon(true);
      reader.start();
      reader.join(60_000);
    }
  }
}
