package dev.reach.runner.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Installs the job watcher script ({@code watcher.sh}, a resource) into the runner's state directory. */
public final class WatcherScript {
  private WatcherScript() {}

  public static Path install(Path stateDir) throws IOException {
    Path bin = Files.createDirectories(stateDir.resolve("bin"));
    Path target = bin.resolve("watcher.sh");
    Path tmp = bin.resolve("watcher.sh.tmp");
    try (InputStream in = WatcherScript.class.getResourceAsStream("/dev/reach/runner/watcher.sh")) {
      if (in == null) {
        throw new IOException("watcher.sh missing from the runner jar");
      }
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }
}
