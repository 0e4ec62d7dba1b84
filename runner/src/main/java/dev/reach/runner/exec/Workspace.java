package dev.reach.runner.exec;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A fresh directory per attempt, {@code STATE_DIR/work/INCARNATION/JOBID-ATTEMPT}, removed when
 * the attempt is done. Grouping by incarnation lets a restarted runner (or one short of disk)
 * tell its predecessors' leftovers from its own live workspaces.
 */
public final class Workspace {
  private Workspace() {}

  /** Where every incarnation's workspaces live. */
  public static Path base(Path stateDir) {
    return stateDir.resolve("work");
  }

  /**
   * Where workspaces live when jobs run as a separate user: beside the state directory
   * ({@code STATE_DIR-work}), since the state directory itself is closed to everyone but the runner.
   */
  public static Path base(Path stateDir, boolean separateUser) {
    return separateUser ? stateDir.resolveSibling(stateDir.getFileName() + "-work") : base(stateDir);
  }

  /** The directory of one incarnation's workspaces. */
  public static Path root(Path stateDir, String incarnation) {
    return base(stateDir).resolve(incarnation);
  }

  public static Path create(Path root, String jobId, int attempt) throws IOException {
    Path dir = root.resolve(jobId + "-" + attempt);
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      delete(dir);
    }
    return Files.createDirectories(dir);
  }

  /** Removes {@code dir} and everything below it (symbolic links are removed, never followed). */
  public static void delete(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null && !(e instanceof NoSuchFileException)) {
          throw e;
        }
        Files.deleteIfExists(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
