package dev.reach.cli.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local target against real processes: stand-ins whose command lines end in {@code service ROLE} (bash
 * puts the arguments after {@code -c SCRIPT} in {@code $0 $1}, and {@code /proc/PID/cmdline} shows them), found
 * through a synthetic node directory and really signalled.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalFaultsTest {
  private final List<Process> started = new ArrayList<>();

  @TempDir Path jobDir;

  @AfterEach
  void killStandIns() {
    for (Process p : started) {
      p.destroyForcibly();
    }
  }

  /** A process whose command line is {@code bash -c 'read -r _' service ROLE}: it waits on its stdin, a pipe we hold. */
  private Process standIn(Role role) throws IOException {
    Process p = new ProcessBuilder("/bin/bash", "-c", "read -r _", "service", role.label())
        .redirectErrorStream(true).start();
    started.add(p);
    return p;
  }

  private static JsonObject node(String nodeId, long pid, String service, String instance) {
    JsonObject lifecycle = new JsonObject().put("state", "HEALTHY").put("reason", "ready").put("since_ms", 1L);
    if (instance != null) {
      lifecycle.put("instance", instance);
    }
    return new JsonObject().put("node_id", nodeId).put("node", new JsonObject().put("pid", pid))
        .put("services", new JsonObject().put(service, lifecycle));
  }

  private static final String HOST = java.lang.management.ManagementFactory.getRuntimeMXBean().getName()
      .replaceFirst("^[^@]*@", "");

  /** A node id as services make it: {@code PID@HOST-SUFFIX}, here on this host. */
  private static String localId(long pid, String suffix) {
    return pid + "@" + HOST + "-" + suffix;
  }

  private static JsonObject status(JsonObject... nodes) {
    return new JsonObject().put("nodes", new JsonArray(List.of((Object[]) nodes)));
  }

  /** The state letter of {@code /proc/PID/stat} (R, S, T, Z...). */
  private static String state(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
    return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  }

  @Test
  void aProcessIsALocalServiceOnlyWhenItsCommandLineSaysThatService() throws Exception {
    Process runner = standIn(Role.RUNNER);

    assertThat(LocalFaults.isLocalService(runner.pid(), Role.RUNNER)).isTrue();
    assertThat(LocalFaults.isLocalService(runner.pid(), Role.ORCHESTRATOR)).isFalse();
    assertThat(LocalFaults.isLocalService(ProcessHandle.current().pid(), Role.RUNNER)).isFalse();
    assertThat(LocalFaults.isLocalService(1, Role.RUNNER)).isFalse();
    assertThat(LocalFaults.isLocalService(0, Role.RUNNER)).isFalse();
    runner.destroyForcibly().waitFor();
    assertThat(LocalFaults.isLocalService(runner.pid(), Role.RUNNER)).as("a process that is gone").isFalse();
  }

  @Test
  void membersComeFromTheNodeDirectoryNamedByTheirInstance() throws Exception {
    Process runner = standIn(Role.RUNNER);
    Process orchestrator = standIn(Role.ORCHESTRATOR);
    long self = ProcessHandle.current().pid();
    String orchestratorId = localId(orchestrator.pid(), "c");
    LocalFaults faults = new LocalFaults(() -> status(
        node(localId(runner.pid(), "b"), runner.pid(), "runner", "runner-7"),
        node(orchestratorId, orchestrator.pid(), "orchestrator", null),
        node(localId(self, "d"), self, "runner", "runner-self"), // this JVM: never a member
        node(localId(orchestrator.pid(), "e"), orchestrator.pid(), "runner", "runner-fake"), // a pid that is not that service
        node(runner.pid() + "@another-host-g", runner.pid(), "runner", "runner-elsewhere"), // a container's pid, not ours
        new JsonObject().put("node_id", localId(1, "f")).put("services", new JsonObject().put("runner",
            new JsonObject().put("instance", "runner-nopid")))), jobDir);

    assertThat(faults.members(Role.RUNNER)).containsExactly(new Member("runner-7", Role.RUNNER, Long.toString(runner.pid())));
    assertThat(faults.members(Role.ORCHESTRATOR))
        .containsExactly(new Member(orchestratorId, Role.ORCHESTRATOR, Long.toString(orchestrator.pid())));
    assertThat(faults.members(Role.HUB)).isEmpty();
    assertThat(faults.runner("runner-7")).isEqualTo(new Member("runner-7", Role.RUNNER, Long.toString(runner.pid())));
    assertThat(faults.runner("runner-fake")).isNull();
    assertThat(faults.runner("runner-elsewhere")).isNull();
    assertThat(faults.orchestrator(orchestratorId)).isNotNull();
    assertThat(faults.orchestrator(localId(runner.pid(), "b"))).isNull();
  }

  @Test
  void aPidThatIsNotThatReachServiceIsNeverSignalled() throws Exception {
    Process orchestrator = standIn(Role.ORCHESTRATOR);
    LocalFaults faults = new LocalFaults(JsonObject::new, jobDir);
    Member wrong = new Member("runner-7", Role.RUNNER, Long.toString(orchestrator.pid()));
    Member self = new Member("runner-8", Role.RUNNER, Long.toString(ProcessHandle.current().pid()));

    assertThatThrownBy(() -> faults.kill(wrong)).isInstanceOf(DrillException.class)
        .hasMessageContaining("pid " + orchestrator.pid() + " (runner-7) is no longer a local runner process: not signalled");
    assertThatThrownBy(() -> faults.pause(self)).isInstanceOf(DrillException.class);
    assertThat(orchestrator.isAlive()).isTrue();
    assertThat(state(orchestrator.pid())).isNotEqualTo("T");
  }

  @Test
  void killReallyKills() throws Exception {
    Process runner = standIn(Role.RUNNER);
    LocalFaults faults = new LocalFaults(JsonObject::new, jobDir);

    faults.kill(new Member("runner-7", Role.RUNNER, Long.toString(runner.pid())));

    assertThat(runner.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(runner.exitValue()).isEqualTo(128 + 9);
  }

  @Test
  void pauseAndUnpauseReallyStopAndContinueTheProcess() throws Exception {
    Process store = standIn(Role.ARTIFACT_STORE);
    long pid = store.pid();
    LocalFaults faults = new LocalFaults(JsonObject::new, jobDir);
    Member m = new Member("node-a", Role.ARTIFACT_STORE, Long.toString(pid));
    await().atMost(Duration.ofSeconds(10)).until(() -> state(pid).equals("S"));

    faults.pause(m);
    await().atMost(Duration.ofSeconds(10)).until(() -> state(pid).equals("T"));
    faults.unpause(m);
    await().atMost(Duration.ofSeconds(10)).until(() -> state(pid).equals("S"));
    faults.disconnect(m);
    await().atMost(Duration.ofSeconds(10)).until(() -> state(pid).equals("T"));
    faults.reconnect(m);
    await().atMost(Duration.ofSeconds(10)).until(() -> state(pid).equals("S"));

    // still the same live process, answering its input
    store.getOutputStream().write("bye\n".getBytes(StandardCharsets.UTF_8));
    store.getOutputStream().flush();
    assertThat(store.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(store.exitValue()).isZero();
  }

  @Test
  void healthyWhenTheNodeDirectorySaysSoForThatPid() throws Exception {
    Process runner = standIn(Role.RUNNER);
    JsonObject[] status = {status(node("node-b", runner.pid(), "runner", "runner-7"))};
    status[0].getJsonArray("nodes").getJsonObject(0).getJsonObject("services").getJsonObject("runner")
        .put("state", "STARTING");
    LocalFaults faults = new LocalFaults(() -> status[0], jobDir);
    Member m = new Member("runner-7", Role.RUNNER, Long.toString(runner.pid()));

    assertThat(faults.awaitHealthy(m, Duration.ofMillis(600))).isFalse();
    status[0] = status(node("node-b", runner.pid(), "runner", "runner-7"));
    assertThat(faults.awaitHealthy(m, Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void theLocalTargetDoesNotStartOrRestartAnything() throws Exception {
    LocalFaults faults = new LocalFaults(JsonObject::new, jobDir);
    Member m = new Member("runner-7", Role.RUNNER, "12345");

    assertThatThrownBy(() -> faults.start(m)).isInstanceOf(DrillException.class).hasMessageContaining("cannot start runner-7");
    assertThatThrownBy(() -> faults.restart(m)).isInstanceOf(DrillException.class).hasMessageContaining("--target compose");
  }

  @Test
  void readStampsReadsThisDrillsStampFilesKeyedByTheirName() throws Exception {
    Files.writeString(jobDir.resolve("D-s0-j0.stamps"), "start 1 100\nend 1 200\n");
    Files.writeString(jobDir.resolve("D-s0-j0.lock"), "");
    Files.writeString(jobDir.resolve("E-s0-j0.stamps"), "start 1 100\n"); // another drill's
    LocalFaults faults = new LocalFaults(JsonObject::new, jobDir.resolve("made")); // creates its directory

    assertThat(Files.isDirectory(jobDir.resolve("made"))).isTrue();
    assertThat(new LocalFaults(JsonObject::new, jobDir).readStamps("D-").lines())
        .containsExactly("D-s0-j0 start 1 100", "D-s0-j0 end 1 200");
    assertThat(faults.readStamps("D-")).isEmpty();
    assertThat(faults.jobDir()).isEqualTo(jobDir.resolve("made").toString());
  }
}
