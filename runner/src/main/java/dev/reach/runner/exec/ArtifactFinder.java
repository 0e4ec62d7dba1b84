package dev.reach.runner.exec;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Finds the regular files of a workspace matching a job's artifact globs (relative, {@code **}
 * allowed). Symbolic links are not followed, so a job cannot make the runner upload files from
 * outside its workspace. Blocking: call off the event loop.
 */
public final class ArtifactFinder {
  private ArtifactFinder() {}

  /** Matching files as (relative name → path), in name order. */
  public static TreeMap<String, Path> find(Path workspace, List<String> globs) throws IOException {
    TreeMap<String, Path> out = new TreeMap<>();
    if (globs.isEmpty()) {
      return out;
    }
    List<PathMatcher> matchers = new ArrayList<>();
    for (String g : globs) {
      matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
    }
    try (Stream<Path> files = Files.walk(workspace)) {
      files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> {
        Path rel = workspace.relativize(p);
        if (matchers.stream().anyMatch(m -> m.matches(rel))) {
          out.put(rel.toString(), p);
        }
      });
    }
    return out;
  }
}
