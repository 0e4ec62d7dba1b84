package dev.reach.runner.exec;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** A fresh directory per attempt under the runner's state directory, removed when the attempt is done. */
public final class Workspace {
  private Workspace() {}

  public static Path create(Path stateDir, String jobId, int attempt) throws IOException {
    Path dir = stateDir.resolve("work").resolve(jobId + "-" + attempt);
    if (Files.exists(dir)) {
      delete(dir);
    }
    return Files.createDirectories(dir);
  }

  public static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
