package dev.reach.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.alert.AlertKeys;
import dev.reach.shared.alert.AlertLevel;

import dev.reach.shared.bus.Addresses;
import dev.reach.shared.node.ReachNode;
import io.vertx.ext.healthchecks.CheckResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Disk pressure, with the free-space reading replaced by one the test sets: under the minimum the
 * runner stops claiming (warned once), removes earlier incarnations' workspaces, and fails its
 * {@code runner.disk} readiness; when space returns it claims again.
 */
class RunnerDiskPressureTest {
  private static final long MIN_FREE = 1_000_000;
  private final AtomicLong free = new AtomicLong(100 * MIN_FREE);
  private RunnerHarness h;

  @BeforeEach
  void setUp() throws Exception {
    h = new RunnerHarness().with("REACH_RUNNER_MIN_FREE_DISK_BYTES", Long.toString(MIN_FREE));
  }

  @AfterEach
  void tearDown() throws Exception {
    h.close();
  }

  private static boolean diskReady(ReachNode node) throws Exception {
    CheckResult r = RunnerHarness.await(node.health().ready().checkStatus("runner.disk"), Duration.ofSeconds(5));
    return r.getStatus().isOk();
  }

  @Test
  void underTheMinimumNothingIsClaimedLeftoversGoAndClaimingResumesWhenSpaceReturns() throws Exception {
    ReachNode node = h.node();
    RunnerService runner = h.deploy(node, RunnerHarness.fastTuning().withFreeSpace(free::get, 50));
    assertThat(diskReady(node)).isTrue();
    Path leftover = Files.createDirectories(h.stateDir.resolve("work/some-earlier-incarnation/job-1-1"));
    Files.writeString(leftover.resolve("output.bin"), "x".repeat(10_000));

    try (LogCapture log = new LogCapture(dev.reach.runner.disk.DiskGuard.class)) {
      free.set(MIN_FREE - 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> !diskReady(node));
      // claiming stops at once; then the earlier incarnations' workspaces go
      await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(h.stateDir.resolve("work/some-earlier-incarnation")));
      int claims = h.orchestrator.messages(Addresses.CLAIM).size();
      int heartbeats = h.orchestrator.messages(Addresses.HEARTBEAT).size();
      h.orchestrator.offer(41, "echo hello");

      // two heartbeat periods (and some twenty fallback polls) pass without a claim
      await().atMost(Duration.ofSeconds(10)).until(() -> h.orchestrator.messages(Addresses.HEARTBEAT).size() >= heartbeats + 2);
      assertThat(h.orchestrator.messages(Addresses.CLAIM)).hasSize(claims);
      assertThat(log.records.stream().filter(r -> r.getLevel() == Level.WARNING && r.getMessage().startsWith("disk pressure:")
          && r.getMessage().contains("not claiming"))).as("warned once for the episode").hasSize(1);
      // each check that finds the disk low is a failure of disk_pressure: WARNING sends at the fifth
      await().atMost(Duration.ofSeconds(10)).until(() -> runner.alerts().state(AlertKeys.DISK_PRESSURE).sentCount() == 1);
      assertThat(runner.alerts().state(AlertKeys.DISK_PRESSURE).level()).isEqualTo(AlertLevel.WARNING);

      free.set(100 * MIN_FREE);
      await().atMost(Duration.ofSeconds(10)).until(() -> h.orchestrator.completion(41).isPresent());
      assertThat(diskReady(node)).isTrue();
      assertThat(log.has(Level.INFO, "disk pressure over")).isTrue();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> runner.alerts().state(AlertKeys.DISK_PRESSURE).consecutiveFailures() == 0);
      runner.alerts().flushed().await();
      assertThat(Files.readString(h.stateDir.resolve("alerts-runner.json"))).contains("\"disk_pressure\"");
    }
  }
}
