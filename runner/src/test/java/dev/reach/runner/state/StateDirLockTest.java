package dev.reach.runner.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reach.runner.exec.Workspace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two runners can never share a state directory: not from this JVM, not from another process. */
class StateDirLockTest {
  private Path state;
  private Process holder;

  @BeforeEach
  void setUp() throws Exception {
    state = Files.createTempDirectory("reach-lock-");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (holder != null) {
      holder.destroyForcibly();
      holder.waitFor(10, TimeUnit.SECONDS);
    }
    Workspace.delete(state);
  }

  @Test
  void aSecondLockInTheSameJvmIsRefusedWithTheDirectoryNamed() throws Exception {
    try (StateDirLock first = StateDirLock.acquire(state)) {
      assertThatThrownBy(() -> StateDirLock.acquire(state))
          .isInstanceOf(StateDirInUseException.class)
          .hasMessageContaining(state.toString())
          .hasMessageContaining("in use by another runner");
      // the same directory under another name is still the same directory
      Path alias = state.resolve(".").resolve("..").resolve(state.getFileName());
      assertThatThrownBy(() -> StateDirLock.acquire(alias)).isInstanceOf(StateDirInUseException.class);
    }
    // released: a new runner may take it
    StateDirLock again = StateDirLock.acquire(state);
    again.close();
    again.close(); // idempotent
  }

  @Test
  void aLockHeldByAnotherProcessIsRefusedAndFreedWhenThatProcessEnds() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    holder = new ProcessBuilder(java, "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        LockHolder.class.getName(), state.toString())
        .redirectErrorStream(true)
        .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
    String first = CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (java.io.IOException e) {
        return "io: " + e;
      }
    }).get(30, TimeUnit.SECONDS);
    assertThat(first).isEqualTo("locked");

    assertThatThrownBy(() -> StateDirLock.acquire(state))
        .isInstanceOf(StateDirInUseException.class)
        .hasMessageContaining(state.toString());

    holder.getOutputStream().close(); // the other runner stops
    assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
    try (StateDirLock mine = StateDirLock.acquire(state)) {
      assertThat(Files.exists(state.resolve(StateDirLock.FILE))).isTrue();
    }
  }

  @Test
  void aRefusedAttemptInThisJvmDoesNotLoseTheHoldersLock() throws Exception {
    try (StateDirLock first = StateDirLock.acquire(state)) {
      assertThatThrownBy(() -> StateDirLock.acquire(state)).isInstanceOf(StateDirInUseException.class);

      // the holder's lock must still exclude other processes (closing a descriptor of the file would have dropped it)
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      holder = new ProcessBuilder(java, "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
          LockHolder.class.getName(), state.toString())
          .redirectErrorStream(true)
          .start();
      holder.getOutputStream().close();
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String said = new String(holder.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(holder.exitValue()).as("the other process could not lock: %s", said).isNotZero();
      assertThat(said).doesNotContain("locked\n").contains("in use by another runner");
    }
  }
}
