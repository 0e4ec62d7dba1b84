package dev.reach.runner.state;

import java.io.IOException;
import java.nio.file.Path;

/** Another runner (in this JVM or another process) holds the state directory's lock. */
public final class StateDirInUseException extends IOException {
  private static final long serialVersionUID = 1L;

  public StateDirInUseException(Path stateDir) {
    super("the runner state directory " + stateDir + " is in use by another runner (it holds "
        + stateDir.resolve(StateDirLock.FILE) + "); two runners can never share a state directory — give each its own REACH_STATE_DIR");
  }
}
