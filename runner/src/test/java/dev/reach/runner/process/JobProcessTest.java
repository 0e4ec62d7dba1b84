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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JobProcess} and {@code watcher.sh} with real bash and real processes: exit codes and
 * output, the exact environment, and every way the watcher kills a job's whole process group
 * (timeout, lease deadline, cancel, runner gone, leftovers of a job that exited).
 */
class JobProcessTest {
  private static final Map<String, String> BASE_ENV = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin");
  /** Far enough away never to fire during a test. */
  private static final long FAR = 60_000;
  /** What bash and sh add to an environment on their own. */
  private static final Set<String> SHELL_ADDED = Set.of("PWD", "SHLVL", "_", "OLDPWD");

  private final UptimeClock clock = new UptimeClock();
  private Instant testStart;
  private Path state;
  private Path workspace;
  private Path watcher;
  private ExecutorService readers;
  private final List<JobProcess> jobs = new CopyOnWriteArrayList<>();
  private final List<Process> rawWatchers = new CopyOnWriteArrayList<>();
  private final List<Long> groups = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    testStart = Instant.now().minusSeconds(1);
    state = Files.createTempDirectory("reach-jobprocess-");
    workspace = Files.createDirectories(state.resolve("ws"));
    watcher = WatcherScript.install(state);
    readers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "jobprocess-test-io");
      t.setDaemon(true);
      return t;
    });
  }

  @AfterEach
  void tearDown() throws Exception {
    for (JobProcess j : jobs) {
      j.kill();
      j.destroy();
    }
    for (Process p : rawWatchers) {
      p.destroyForcibly();
    }
    for (long g : groups) {
      Procs.killGroup(g, testStart);
    }
    for (long pid : Procs.liveIn(state)) {
      Procs.kill(pid, testStart);
    }
    await().atMost(Duration.ofSeconds(5))
        .until(() -> groups.stream().allMatch(Procs::groupGone) && Procs.liveIn(state).isEmpty());
    for (Process p : rawWatchers) {
      p.waitFor(5, TimeUnit.SECONDS);
    }
    readers.shutdownNow();
    readers.awaitTermination(5, TimeUnit.SECONDS);
    Workspace.delete(state);
  }

  private record Started(JobProcess job, RecordingListener events, long pgid) {}

  private Started start(Map<String, String> env, String command, long leaseDeadline, long timeoutDeadline) throws Exception {
    RecordingListener events = new RecordingListener();
    JobProcess job = JobProcess.start(watcher, workspace, env, command, leaseDeadline, timeoutDeadline, readers, events);
    jobs.add(job);
    long pid = events.started.get(10, TimeUnit.SECONDS);
    groups.add(pid);
    return new Started(job, events, pid);
  }

  private Started start(String command) throws Exception {
    long now = clock.nowCentis();
    return start(BASE_ENV, command, now + FAR, now + FAR);
  }

  private static ProcessEnd ended(Started s) throws Exception {
    return s.events().ended.get(15, TimeUnit.SECONDS);
  }

  private static void awaitGroupGone(long pgid, Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(20)).until(() -> Procs.groupGone(pgid));
  }

  /**
   * The job leads its own session and process group: its pid is its pgid and its sid. The watcher
   * reports {@code started} right after the fork, which may be a moment before {@code setsid} has
   * run in the child, hence the wait.
   */
  private static void assertOwnSessionAndGroup(long pid) {
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5)).untilAsserted(() -> {
      Procs.Stat s = Procs.stat(pid).orElseThrow(() -> new AssertionError("job " + pid + " not running"));
      assertThat(s.pgrp()).as("pgid of the job").isEqualTo(pid);
      assertThat(s.session()).as("sid of the job").isEqualTo(pid);
    });
  }

  @Test
  void normalExitZeroDeliversCodeAndMergedOutput() throws Exception {
    Started s = start("echo to-stdout; echo to-stderr >&2");

    ProcessEnd end = ended(s);
    s.events().outputClosed.get(10, TimeUnit.SECONDS);

    assertThat(end).isEqualTo(new ProcessEnd(0, null));
    assertThat(end.killed()).isFalse();
    assertThat(s.events().output()).contains("to-stdout\n").contains("to-stderr\n");
    awaitGroupGone(s.pgid(), Duration.ofSeconds(1));
  }

  /** A job that leaves nothing behind: the watcher's group kill finds no process, and says so (the runner then skips its /proc scan). */
  @Test
  void aJobThatLeftNothingBehindIsReportedWithAnEmptyGroup() throws Exception {
    Started s = start("echo quick");

    assertThat(ended(s)).isEqualTo(new ProcessEnd(0, null));
    assertThat(s.events().groupEmpty).isTrue();
    assertThat(Procs.groupGone(s.pgid())).isTrue();
  }

  /** A leftover was still in the group when the job exited: killed, and the group is not claimed empty. */
  @Test
  void aGroupWithALeftoverIsNotReportedEmpty() throws Exception {
    Started s = start("sleep 60 & echo started-leftover");

    assertThat(ended(s)).isEqualTo(new ProcessEnd(0, null));
    assertThat(s.events().groupEmpty).isFalse();
    awaitGroupGone(s.pgid(), Duration.ofSeconds(1));
  }

  /** The runner's drain: the watcher kills the whole group and reports the reason {@code interrupted}. */
  @Test
  void interruptKillsTheGroupAsInterrupted() throws Exception {
    Started s = start("sleep 60 & sleep 60");
    assertOwnSessionAndGroup(s.pgid());
    await().atMost(Duration.ofSeconds(5)).until(() -> Procs.liveInGroup(s.pgid()).size() >= 2);

    s.job().interrupt();

    assertThat(ended(s).killedReason()).isEqualTo("interrupted");
    assertThat(s.events().groupEmpty).isFalse();
    awaitGroupGone(s.pgid(), Duration.ofSeconds(1));
  }

  @Test
  void normalExitThreeDeliversCode() throws Exception {
    Started s = start("echo before-failing; exit 3");

    ProcessEnd end = ended(s);
    s.events().outputClosed.get(10, TimeUnit.SECONDS);

    assertThat(end).isEqualTo(new ProcessEnd(3, null));
    assertThat(s.events().output()).isEqualTo("before-failing\n");
  }

  @Test
  void environmentIsExactlyTheGivenMap() throws Exception {
    Map<String, String> env = new HashMap<>(BASE_ENV);
    env.put("HOME", workspace.toString());
    env.put("REACH_JOB_ID", "job-1");
    env.put("WITH_SPACES", "a b  c");
    long now = clock.nowCentis();
    Started s = start(env, "env", now + FAR, now + FAR);

    assertThat(ended(s)).isEqualTo(new ProcessEnd(0, null));
    s.events().outputClosed.get(10, TimeUnit.SECONDS);
    Map<String, String> seen = new LinkedHashMap<>();
    for (String line : s.events().output().split("\n")) {
      int eq = line.indexOf('=');
      assertThat(eq).as("env line '%s'", line).isPositive();
      seen.put(line.substring(0, eq), line.substring(eq + 1));
    }

    Set<String> extra = new HashSet<>(seen.keySet());
    extra.removeAll(env.keySet());
    assertThat(extra).as("variables the job saw beyond the given ones").isSubsetOf(SHELL_ADDED);
    env.forEach((k, v) -> assertThat(seen).containsEntry(k, v));
    assertThat(seen.get("PWD")).isEqualTo(workspace.toString());

    // nothing of this JVM's environment leaks (JAVA_HOME, MAVEN_OPTS, USER, ... whatever is set here)
    Set<String> ours = new HashSet<>(System.getenv().keySet());
    ours.removeAll(env.keySet());
    ours.removeAll(SHELL_ADDED);
    assertThat(seen.keySet()).doesNotContainAnyElementsOf(ours);
  }

  @Test
  void timeoutKillsTheWholeGroupIncludingABackgroundChild() throws Exception {
    long now = clock.nowCentis();
    long timeoutAt = now + 100;
    Started s = start(BASE_ENV, "sleep 60 & sleep 60", now + FAR, timeoutAt);
    assertOwnSessionAndGroup(s.pgid());
    // both sleeps are up in the job's group (sh may have exec'd the second one)
    await().atMost(Duration.ofSeconds(5)).until(() -> Procs.liveInGroup(s.pgid()).size() >= 2);
    List<Long> members = Procs.liveInGroup(s.pgid());

    ProcessEnd end = ended(s);

    assertThat(end.killedReason()).isEqualTo("timeout");
    assertThat(clock.nowCentis()).as("not killed before the timeout").isGreaterThanOrEqualTo(timeoutAt - 1);
    awaitGroupGone(s.pgid(), Duration.ofSeconds(1));
    assertThat(members).noneMatch(Procs::alive);
    s.events().outputClosed.get(5, TimeUnit.SECONDS);
  }

  @Test
  void passingLeaseDeadlineSelfFences() throws Exception {
    long now = clock.nowCentis();
    long deadline = now + 100;
    Started s = start(BASE_ENV, "sleep 60", deadline, now + FAR);
    assertOwnSessionAndGroup(s.pgid());

    ProcessEnd end = ended(s);

    assertThat(end.killedReason()).isEqualTo("self_fenced");
    assertThat(clock.nowCentis()).as("not killed before the deadline").isGreaterThanOrEqualTo(deadline - 1);
    awaitGroupGone(s.pgid(), Duration.ofSeconds(1));
  }

  @Test
  void aDeadlinePassedBeforeTheSpawnNeverStartsTheJob() throws Exception {
    java.nio.file.Path marker = state.resolve("ran");
    long now = clock.nowCentis();
    RecordingListener events = new RecordingListener();
    JobProcess job = JobProcess.start(watcher, workspace, BASE_ENV, "touch " + marker + "; sleep 60", now - 1,
        now + FAR, readers, events);
    jobs.add(job);

    ProcessEnd end = events.ended.get(15, TimeUnit.SECONDS);

    assertThat(end.killedReason()).isEqualTo("self_fenced");
    assertThat(events.started).as("no job process was ever spawned").isNotDone();
    assertThat(java.nio.file.Files.exists(marker)).as("the command never ran").isFalse();
  }

  @Test
  void renewalBeforeTheDeadlineKeepsTheJobAlivePastIt() throws Exception {
    long now = clock.nowCentis();
    long original = now + 150;
    Started s = start(BASE_ENV, "sleep 60", original, now + FAR);
    long renewed = clock.nowCentis() + 350;
    assertThat(clock.nowCentis()).as("renewal must arrive before the original deadline").isLessThan(original - 20);
    s.job().extendLease(renewed);

    // wall-clock time must pass here: wait until well past the original deadline (several watcher polls)
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> clock.nowCentis() >= original + 60);
    assertThat(s.events().ended).as("job still running past its original deadline").isNotDone();
    assertThat(Procs.alive(s.pgid())).isTrue();

    // and the renewed deadline is enforced in its turn
    ProcessEnd end = ended(s);
    assertThat(end.killedReason()).isEqualTo("self_fenced");
    assertThat(clock.nowCentis()).as("not killed before the renewed deadline").isGreaterThanOrEqualTo(renewed - 1);
    awaitGroupGone(s.pgid(), Duration.ofSeconds(1));
  }

  /**
   * The watcher polls its stdin with a 0.1 s read timeout and bash reads a pipe a byte at a time,
   * so a timeout can catch a renewal line half read. Seen in the database drill: the watcher
   * dropped the half it had, read the rest as a line of its own, kept the previous deadline and
   * fenced the job at it although the runner had renewed in time. Here the runner's line is split
   * on purpose across more than one poll.
   */
  @Test
  void aRenewalLineSplitAcrossThePollTimeoutIsNotLost() throws Exception {
    long now = clock.nowCentis();
    long original = now + 150;
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", watcher.toString(), Long.toString(original), Long.toString(now + FAR),
        "sleep 60")
        .directory(workspace.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().clear();
    pb.environment().putAll(BASE_ENV);
    Process w = pb.start();
    rawWatchers.add(w);
    List<String> status = new CopyOnWriteArrayList<>();
    readers.execute(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(w.getErrorStream(), StandardCharsets.US_ASCII))) {
        String line;
        while ((line = r.readLine()) != null) {
          status.add(line);
        }
      } catch (java.io.IOException ignored) {
        // the watcher is gone
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> status.stream().anyMatch(l -> l.startsWith("started ")));
    groups.add(Long.parseLong(status.get(0).substring("started ".length()).trim()));
    java.io.OutputStream control = w.getOutputStream();

    long firstHalfAt = clock.nowCentis();
    assertThat(firstHalfAt).as("the renewal must start before the original deadline").isLessThan(original - 60);
    control.write("d ".getBytes(StandardCharsets.US_ASCII));
    control.flush();
    // the split is the point of the test: the rest follows only after several 0.1 s polls
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> clock.nowCentis() >= firstHalfAt + 30);
    control.write((Long.toString(now + FAR) + "\n").getBytes(StandardCharsets.US_ASCII));
    control.flush();

    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> clock.nowCentis() >= original + 60);
    assertThat(status).as("the job still runs past the original deadline").noneMatch(l -> l.startsWith("killed"));
    assertThat(w.isAlive()).isTrue();

    control.write("k\n".getBytes(StandardCharsets.US_ASCII));
    control.flush();
    assertThat(w.waitFor(5, TimeUnit.SECONDS)).as("watcher exits").isTrue();
    await().atMost(Duration.ofSeconds(2)).until(() -> status.stream().anyMatch(l -> l.startsWith("exit ")));
    assertThat(status).contains("killed cancelled");
  }

  /**
   * The watcher takes the deadline it is given, even an earlier one: stopping a job early is
   * always safe, and a renewal with a shorter TTL can really move the database's expiry earlier.
   */
  @Test
  void anEarlierDeadlineIsEnforcedAtOnce() throws Exception {
    Started s = start("sleep 60");

    s.job().extendLease(clock.nowCentis() - 1);

    assertThat(ended(s).killedReason()).isEqualTo("self_fenced");
    awaitGroupGone(s.pgid(), Duration.ofSeconds(1));
  }

  @Test
  void killCancels() throws Exception {
    Started s = start("sleep 60 & sleep 60");
    assertOwnSessionAndGroup(s.pgid());
    await().atMost(Duration.ofSeconds(5)).until(() -> Procs.liveInGroup(s.pgid()).size() >= 2);

    s.job().kill();

    assertThat(ended(s).killedReason()).isEqualTo("cancelled");
    awaitGroupGone(s.pgid(), Duration.ofSeconds(1));
    s.events().outputClosed.get(5, TimeUnit.SECONDS);
  }

  @Test
  void destroyingTheWatcherKillsTheJobAsRunnerGone() throws Exception {
    Started s = start("sleep 60 & sleep 60");
    await().atMost(Duration.ofSeconds(5)).until(() -> Procs.liveInGroup(s.pgid()).size() >= 2);

    s.job().destroy(); // SIGTERM to the watcher

    assertThat(ended(s).killedReason()).isEqualTo("runner_gone");
    awaitGroupGone(s.pgid(), Duration.ofSeconds(1));
  }

  /**
   * The runner dying closes the watcher's stdin (the JVM held the only write end): simulated by
   * starting the watcher exactly as {@link JobProcess} does and closing our end of its stdin.
   */
  @Test
  void closingTheRunnerSideOfStdinKillsTheGroupWithinASecond() throws Exception {
    long now = clock.nowCentis();
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", watcher.toString(), Long.toString(now + FAR), Long.toString(now + FAR),
        "sleep 60 & sleep 60")
        .directory(workspace.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().clear();
    pb.environment().putAll(BASE_ENV);
    Process w = pb.start();
    rawWatchers.add(w);
    List<String> status = new CopyOnWriteArrayList<>();
    readers.execute(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(w.getErrorStream(), StandardCharsets.US_ASCII))) {
        String line;
        while ((line = r.readLine()) != null) {
          status.add(line);
        }
      } catch (java.io.IOException ignored) {
        // the watcher is gone
      }
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> status.stream().anyMatch(l -> l.startsWith("started ")));
    long pgid = Long.parseLong(status.get(0).substring("started ".length()).trim());
    groups.add(pgid);
    assertOwnSessionAndGroup(pgid);
    await().atMost(Duration.ofSeconds(5)).until(() -> Procs.liveInGroup(pgid).size() >= 2);

    w.getOutputStream().close();

    awaitGroupGone(pgid, Duration.ofSeconds(1));
    assertThat(w.waitFor(5, TimeUnit.SECONDS)).as("watcher exits").isTrue();
    await().atMost(Duration.ofSeconds(2)).until(() -> status.size() >= 3);
    assertThat(status).contains("killed runner_gone");
    assertThat(status.get(status.size() - 1)).startsWith("exit ");
  }

  /**
   * A dead runner also leaves the watcher's status pipe without a reader: its last words raise
   * SIGPIPE, which must not send it round its own trap (it used to spin there for seconds, until
   * bash overflowed its stack).
   */
  @Test
  void watcherWithoutAReaderForItsStatusStillExitsPromptly() throws Exception {
    long now = clock.nowCentis();
    ProcessBuilder pb = new ProcessBuilder("/bin/bash", watcher.toString(), Long.toString(now + FAR), Long.toString(now + FAR),
        "sleep 60")
        .directory(workspace.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().clear();
    pb.environment().putAll(BASE_ENV);
    Process w = pb.start();
    rawWatchers.add(w);
    BufferedReader status = new BufferedReader(new InputStreamReader(w.getErrorStream(), StandardCharsets.US_ASCII));
    String first = readLine(status);
    assertThat(first).startsWith("started ");
    long pgid = Long.parseLong(first.substring("started ".length()).trim());
    groups.add(pgid);
    assertOwnSessionAndGroup(pgid);

    status.close();
    w.getOutputStream().close();

    awaitGroupGone(pgid, Duration.ofSeconds(1));
    assertThat(w.waitFor(1, TimeUnit.SECONDS)).as("watcher exits").isTrue();
  }

  private String readLine(BufferedReader r) throws Exception {
    java.util.concurrent.Future<String> line = readers.submit(r::readLine);
    return line.get(10, TimeUnit.SECONDS);
  }

  @Test
  void jobThatExitsLeavingABackgroundChildOnStdoutEndsAndTheLeftoverIsKilled() throws Exception {
    // sh exits at once; the background sleep keeps the output pipe open
    Started s = start("sleep 60 & echo leftover=$!");

    ProcessEnd end = ended(s);

    assertThat(end).isEqualTo(new ProcessEnd(0, null));
    // the leftover was killed, so the output ends too (long before the sleep would have)
    s.events().outputClosed.get(5, TimeUnit.SECONDS);
    String out = s.events().output();
    assertThat(out).startsWith("leftover=");
    long leftover = Long.parseLong(out.substring("leftover=".length()).trim());
    // its pipe closes while the kernel tears it down, a moment before /proc shows it dead
    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() -> !Procs.alive(leftover));
    awaitGroupGone(s.pgid(), Duration.ofSeconds(1));
  }

  /**
   * A kill that reaches the watcher right after it spawned the job — before {@code setsid} has run
   * in the child — must still kill it (a group kill alone finds no such group yet). The runner does
   * this when a lease is revoked while its job is being started.
   */
  @Test
  void killRightAfterStartStillKillsTheJob() throws Exception {
    for (int i = 0; i < 5; i++) {
      RecordingListener events = new RecordingListener();
      long now = clock.nowCentis();
      JobProcess job = JobProcess.start(watcher, workspace, BASE_ENV, "sleep 60", now + FAR, now + FAR, readers, events);
      jobs.add(job);
      job.kill();

      ProcessEnd end = events.ended.get(5, TimeUnit.SECONDS);
      groups.add(events.started.get(1, TimeUnit.SECONDS));
      assertThat(end.killedReason()).isEqualTo("cancelled");
      await().atMost(Duration.ofSeconds(1)).until(() -> Procs.liveIn(workspace).isEmpty());
    }
  }

  /** The runner gone the moment the watcher starts (its stdin already at end of file): nothing stays behind. */
  @Test
  void runnerGoneRightAtStartLeavesNothing() throws Exception {
    for (int i = 0; i < 5; i++) {
      long now = clock.nowCentis();
      ProcessBuilder pb = new ProcessBuilder("/bin/bash", watcher.toString(), Long.toString(now + FAR), Long.toString(now + FAR),
          "sleep 60")
          .directory(workspace.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD);
      pb.environment().clear();
      pb.environment().putAll(BASE_ENV);
      Process w = pb.start();
      rawWatchers.add(w);

      assertThat(w.waitFor(5, TimeUnit.SECONDS)).as("watcher exits").isTrue();
      String status = new String(w.getErrorStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(status).contains("killed runner_gone");
      await().atMost(Duration.ofSeconds(1)).until(() -> Procs.liveIn(workspace).isEmpty());
    }
  }

  /** The runner stopping hard (SIGTERM to the watcher) right after the start: nothing stays behind. */
  @Test
  void destroyRightAfterStartLeavesNothing() throws Exception {
    for (int i = 0; i < 10; i++) {
      RecordingListener events = new RecordingListener();
      long now = clock.nowCentis();
      JobProcess job = JobProcess.start(watcher, workspace, BASE_ENV, "sleep 60", now + FAR, now + FAR, readers, events);
      jobs.add(job);
      job.destroy();

      ProcessEnd end = events.ended.get(5, TimeUnit.SECONDS);
      assertThat(end.killed()).isTrue();
      await().atMost(Duration.ofSeconds(1)).until(() -> Procs.liveIn(workspace).isEmpty());
    }
  }

  @Test
  void controlAfterTheEndIsHarmless() throws Exception {
    Started s = start("true");
    assertThat(ended(s)).isEqualTo(new ProcessEnd(0, null));

    List<Runnable> late = new ArrayList<>(List.of(() -> s.job().extendLease(1), s.job()::kill, s.job()::nudge, s.job()::destroy));
    late.forEach(Runnable::run); // no exception, nothing to kill
  }
}
