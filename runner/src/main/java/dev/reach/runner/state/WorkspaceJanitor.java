package dev.reach.runner.state;

import dev.reach.runner.exec.Workspace;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Removes the workspaces earlier incarnations left behind ({@code work/INCARNATION/...} of any
 * other incarnation, and anything else directly under {@code work/}). This incarnation's own
 * workspaces are removed by their executions when they settle, never here — so a workspace being
 * created while this runs is never pulled from under its job. Blocking.
 */
public final class WorkspaceJanitor {
  private static final Logger LOG = Logger.getLogger(WorkspaceJanitor.class.getName());

  private final Path workBase;
  private final String incarnation;

  public WorkspaceJanitor(Path stateDir, String incarnation) {
    this(incarnation, Workspace.base(stateDir));
  }

  /** Cleans {@code workBase} (workspaces outside the state directory: jobs run as a separate user). */
  public WorkspaceJanitor(String incarnation, Path workBase) {
    this.workBase = workBase;
    this.incarnation = incarnation;
  }

  /** Returns how many leftover entries were removed. */
  public int removeLeftovers() {
    int removed = 0;
    if (!Files.isDirectory(workBase)) {
      return 0;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(workBase)) {
      for (Path d : dirs) {
        if (!d.getFileName().toString().equals(incarnation) && delete(d)) {
          removed++;
        }
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot list " + workBase, e);
    }
    return removed;
  }

  private static boolean delete(Path d) {
    try {
      Workspace.delete(d);
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "cannot remove the leftover workspace " + d, e);
      return false;
    }
  }
}
