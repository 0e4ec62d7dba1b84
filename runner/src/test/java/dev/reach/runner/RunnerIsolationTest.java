package dev.reach.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reach.runner.journal.CompletionJournal;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.job.EndReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runner's state directory is its own (0700, journal entries 0600), and with
 * {@code REACH_JOB_USER} jobs run as that unprivileged user: they can write their workspace but
 * read nothing of the runner's.
 */
class RunnerIsolationTest {
  private RunnerHarness h;

  @BeforeEach
  void setUp() throws Exception {
    h = new RunnerHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    h.close();
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void theStateDirectoryIsForcedPrivateAtStartAndJournalEntriesAreTheRunnersAlone() throws Exception {
    Files.createDirectories(h.stateDir);
    Files.setPosixFilePermissions(h.stateDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    h.deploy();

    assertThat(mode(h.stateDir)).isEqualTo("rwx------");
    CompletionJournal journal = new CompletionJournal(h.stateDir, Clock.systemUTC());
    journal.write(new CompletionReport("job-1", 1, "test-runner", 0, EndReason.EXIT_CODE, null), "inc");
    Path entry = journal.dir().resolve("1.json");
    assertThat(mode(entry)).isEqualTo("rw-------");
  }

  @Test
  void aJournaledCompletionOfARealJobIsPrivate() throws Exception {
    h.orchestrator.completionFailuresLeft.set(1_000); // keeps the entry in the journal while we look
    h.orchestrator.offer(31, "echo done");
    h.deploy();
    Path journalDir = h.stateDir.resolve("journal");

    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(journalDir.resolve("31.json")));

    assertThat(mode(journalDir.resolve("31.json"))).isEqualTo("rw-------");
  }

  @Test
  void aJobRunningAsTheJobUserWritesItsWorkspaceButReadsNothingOfTheRunners() throws Exception {
    Assumptions.assumeTrue(Files.readAllLines(Path.of("/proc/self/status")).stream()
            .anyMatch(l -> l.matches("Uid:\\s+0\\s+0\\s+0\\s+0")),
        "assumes the tests run as root: only root may start jobs as another user");
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "assumes util-linux setpriv is installed");
    // the temporary directory is 0700: the job user must be able to pass through it to its workspace
    Files.setPosixFilePermissions(h.dir, PosixFilePermissions.fromString("rwx--x--x"));
    Files.createDirectories(h.stateDir);
    Path secret = h.stateDir.resolve("runner-secret.txt");
    Files.writeString(secret, "the-runner-secret");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--")); // only the directory guards it
    // two slots: a user for each running job; uids of no account, so nothing else on the machine runs as
    // them (a job user's leftovers are killed when its job ends: never give it a uid something else uses)
    h.with("REACH_JOB_USER", "61031:61031,61032:61032");
    long runnerPid = ProcessHandle.current().pid();
    h.orchestrator.offer(32, String.join("; ",
        "echo uid=$(id -u)",
        "echo mine > mine.txt && echo wrote=$(cat mine.txt)",
        "echo home=$(cd \"$HOME\" && pwd)",
        "cat " + secret + " 2>/dev/null; echo secret=$?",
        "ls " + h.stateDir + " >/dev/null 2>&1; echo list=$?",
        "cat /proc/" + runnerPid + "/environ >/dev/null 2>&1; echo environ=$?"),
        600, List.of("mine.txt"));
    h.deploy();

    await().atMost(Duration.ofSeconds(15)).until(() -> h.orchestrator.completion(32).isPresent());
    CompletionReport report = h.orchestrator.completion(32).orElseThrow();
    String log = h.store.log("job-32", 1);

    assertThat(report.reason()).isEqualTo(EndReason.EXIT_CODE);
    assertThat(log).contains("uid=61031\n").contains("wrote=mine\n").doesNotContain("the-runner-secret")
        .contains("secret=1\n").contains("list=2\n").contains("environ=1\n");
    assertThat(log).containsPattern("home=/.+-work/");
    assertThat(h.store.artifact("job-32", 1, "mine.txt")).isEqualTo("mine\n");
    assertThat(mode(h.stateDir)).isEqualTo("rwx------");
  }

  @Test
  void eachRunningJobHasAUserOfItsOwnSoNoJobReadsAnothersEnvironmentAndLeftoversDieWithTheirJob() throws Exception {
    assumeRootAndSetpriv();
    Files.setPosixFilePermissions(h.dir, PosixFilePermissions.fromString("rwx--x--x"));
    Path shared = Files.createDirectories(h.dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    h.with("REACH_JOB_USER", "61041:61041,61042:61042");
    // job 41 holds a value in its environment, leaves a process outside its group, and waits
    h.orchestrator.offer(41, String.join("; ",
        "export A_VALUE=only-for-job-41",
        "echo uid=$(id -u)",
        "sleep 30 & echo $! > " + shared + "/a.pid",
        "setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $! > " + shared + "/leftover.pid",
        "while [ ! -e " + shared + "/b.done ]; do sleep 0.1; done",
        "kill $(cat " + shared + "/a.pid)"));
    // job 42 runs beside it and tries to read job 41's environment
    h.orchestrator.offer(42, String.join("; ",
        "echo uid=$(id -u)",
        "while [ ! -s " + shared + "/a.pid ]; do sleep 0.1; done",
        "cat /proc/$(cat " + shared + "/a.pid)/environ 2>/dev/null | tr '\\0' '\\n' | grep A_VALUE; echo environ=$?",
        "touch " + shared + "/b.done"));
    h.deploy();

    await().atMost(Duration.ofSeconds(30)).until(() -> h.orchestrator.completion(41).isPresent()
        && h.orchestrator.completion(42).isPresent());
    String a = h.store.log("job-41", 1);
    String b = h.store.log("job-42", 1);

    assertThat(a).containsPattern("uid=6104[12]\n");
    assertThat(b).containsPattern("uid=6104[12]\n");
    assertThat(a.substring(a.indexOf("uid="), a.indexOf('\n', a.indexOf("uid="))))
        .isNotEqualTo(b.substring(b.indexOf("uid="), b.indexOf('\n', b.indexOf("uid="))));
    assertThat(b).contains("environ=1\n").doesNotContain("only-for-job-41");
    long leftover = Long.parseLong(Files.readString(shared.resolve("leftover.pid")).trim());
    await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(leftover).map(p -> !p.isAlive()).orElse(true));
  }

  @Test
  void theRunnerRefusesToStartWithFewerJobUsersThanSlots() {
    h.with("REACH_JOB_USER", "61051:61051");
    assertThatThrownBy(() -> h.deploy())
        .hasStackTraceContaining("REACH_JOB_USER=61051:61051")
        .satisfies(e -> assertThat(rootMessage(e)).satisfiesAnyOf(
            m -> assertThat(m).contains("names 1 user(s) for 2 slots"),
            m -> assertThat(m).contains("needs the runner to run as root"),
            m -> assertThat(m).contains("setpriv")));
  }

  private static void assumeRootAndSetpriv() throws Exception {
    Assumptions.assumeTrue(Files.readAllLines(Path.of("/proc/self/status")).stream()
            .anyMatch(l -> l.matches("Uid:\\s+0\\s+0\\s+0\\s+0")),
        "assumes the tests run as root: only root may start jobs as another user");
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "assumes util-linux setpriv is installed");
  }

  @Test
  void theRunnerRefusesToStartWhenTheJobUserDoesNotExist() {
    h.with("REACH_JOB_USER", "reach-no-such-user");
    assertThatThrownBy(() -> h.deploy())
        .hasStackTraceContaining("REACH_JOB_USER=reach-no-such-user")
        .satisfies(e -> assertThat(rootMessage(e)).satisfiesAnyOf(
            m -> assertThat(m).contains("no such user on this machine"),
            m -> assertThat(m).contains("needs the runner to run as root"),
            m -> assertThat(m).contains("setpriv")));
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
