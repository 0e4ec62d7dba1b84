package dev.reach.runner.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.runner.exec.Workspace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The design's key fact: a job's processes die with their runner. A separate JVM ({@link
 * DoomedRunner}) starts {@code sleep 60} through {@link JobProcess}; SIGKILL that JVM and the
 * sleep and its whole process group are gone within 2 s — its watcher sees its stdin end.
 */
class WatcherSurvivesRunnerDeathTest {
  private Instant testStart;
  private Path state;
  private Process runner;
  private Thread pump;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private long jobPid = -1;
  private long watcherPid = -1;

  @BeforeEach
  void setUp() throws Exception {
    testStart = Instant.now().minusSeconds(1);
    state = Files.createTempDirectory("reach-runner-death-");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (runner != null) {
      runner.destroyForcibly();
      runner.waitFor(10, TimeUnit.SECONDS);
    }
    if (jobPid > 0) {
      Procs.killGroup(jobPid, testStart);
    }
    if (watcherPid > 0) {
      Procs.kill(watcherPid, testStart);
    }
    if (jobPid > 0) {
      await().atMost(Duration.ofSeconds(5)).until(() -> Procs.groupGone(jobPid));
    }
    if (pump != null) {
      pump.join(5_000);
    }
    Workspace.delete(state);
  }

  private Optional<Long> printed(String key) {
    return lines.stream().filter(l -> l.startsWith(key + " ")).findFirst()
        .map(l -> Long.parseLong(l.substring(key.length() + 1).trim()));
  }

  @Test
  void sigkilledRunnerJvmTakesItsJobDownWithinTwoSeconds() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    runner = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", classpath,
        DoomedRunner.class.getName(), state.toString())
        .redirectErrorStream(true)
        .start();
    pump = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(runner.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (java.io.IOException ignored) {
        // the JVM is gone
      }
    }, "doomed-runner-output");
    pump.setDaemon(true);
    pump.start();

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .failFast("runner JVM exited early: " + lines, () -> !runner.isAlive())
        .until(() -> printed("job").isPresent() && printed("watcher").isPresent());
    jobPid = printed("job").orElseThrow();
    watcherPid = printed("watcher").orElseThrow();
    // the watcher reports the job right after the fork, a moment before setsid has run in it
    long job = jobPid;
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5)).untilAsserted(() -> {
      Procs.Stat s = Procs.stat(job).orElseThrow(() -> new AssertionError("job " + job + " not running"));
      assertThat(s.live()).isTrue();
      assertThat(s.pgrp()).as("pgid of the job").isEqualTo(job);
      assertThat(s.session()).as("sid of the job").isEqualTo(job);
    });
    assertThat(Procs.alive(watcherPid)).isTrue();

    Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(runner.pid())).inheritIO().start();
    assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
    assertThat(runner.waitFor(5, TimeUnit.SECONDS)).as("runner JVM died").isTrue();
    Instant killedAt = Instant.now();

    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
        .until(() -> !Procs.alive(jobPid) && Procs.groupGone(jobPid));
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).until(() -> !Procs.alive(watcherPid));
    assertThat(Duration.between(killedAt, Instant.now())).isLessThan(Duration.ofSeconds(4));
    assertThat(lines).noneMatch(l -> l.startsWith("ended ")); // it never got to say anything: it was killed
  }
}
