package dev.reach.it.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.reach.it.DrillCommand;
import dev.reach.it.ItTokens;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard end to end in headless Chromium ({@link BrowserScript}, Playwright):
 *
 * <ul>
 *   <li>local mode ({@code reachctl dev} in its own JVM, auth off): a run with one failing job is submitted
 *       while the runs list is open; it appears and turns {@code FAILED} without a reload; the run page
 *       shows the failing attempt (runner, exit code) and the job's log line; a degraded API (503
 *       {@code DB_CIRCUIT_OPEN}, intercepted in the browser) shows the banner with the retry hint and is
 *       retried no sooner than the hint; the cluster view asks for the admin token;</li>
 *   <li>a cluster of separate JVMs started as the drills start one ({@link DrillCluster}, auth on): the
 *       dashboard asks for a token, lists two live runners, and when the runner-crash drill SIGKILLs one
 *       of them the runner leaves the live view; the drill then shows in the drills timeline.</li>
 * </ul>
 *
 * Skipped, with the reason, where node, chromium or playwright-core are missing, unless
 * {@code REACH_REQUIRE_BROWSER} is set ({@code .ci/run} installs them and sets it). Screenshots go to
 * {@code target/dashboard-screenshots}, or to {@code -Dreach.screenshots.dir} (the README's come from
 * {@code -Dreach.screenshots.dir=../docs/screenshots}).
 */
class DashboardBrowserTest {
  private static final Duration SCRIPT_LIMIT = Duration.ofMinutes(6);

  @BeforeAll
  static void browserPresent() {
    String missing = BrowserScript.missing();
    if (missing != null && System.getenv("REACH_REQUIRE_BROWSER") != null) {
      throw new AssertionError("REACH_REQUIRE_BROWSER is set but " + missing);
    }
    assumeTrue(missing == null, () -> "the dashboard's browser test cannot run here: " + missing);
  }

  private static String shots() {
    return Path.of(System.getProperty("reach.screenshots.dir", "target/dashboard-screenshots")).toAbsolutePath().toString();
  }

  @Test
  void localModeRunTurnsFailedLiveAndShowsTheLog() throws Exception {
    try (LocalModeProcess dev = new LocalModeProcess(Map.of("REACH_ADMIN_TOKEN", ItTokens.ADMIN));
        BrowserScript browser = BrowserScript.start(Map.of("REACH_URL", dev.url(), "REACH_MODE", "local",
            "REACH_TOKEN", ItTokens.ADMIN, "SHOTS_DIR", shots()))) {
      int exit = browser.waitFor(SCRIPT_LIMIT);
      assertThat(exit).as("browser script (local mode):\n" + String.join("\n", browser.output())).isZero();
      assertThat(browser.output()).anyMatch(l -> l.contains("run turned FAILED without a reload"))
          .anyMatch(l -> l.contains("log line shown"));
    }
  }

  @Test
  void killedRunnerLeavesTheRunnersView() throws Exception {
    // runners count as alive for 5 s after their last heartbeat (default 60 s): heartbeats come every ~0.7 s here
    try (DrillCluster cluster = new DrillCluster(Map.of("REACH_RUNNER_ALIVE_WINDOW_MS", "5000"))) {
      cluster.startRunners(2, "runner-a", "runner-b");
      try (BrowserScript browser = BrowserScript.start(Map.of("REACH_URL", cluster.api(), "REACH_MODE", "cluster",
          "REACH_TOKEN", ItTokens.ADMIN, "SHOTS_DIR", shots()))) {
        browser.await("READY", Duration.ofMinutes(2));
        // the runner-crash drill SIGKILLs the busiest runner mid-workload and records its steps and verdict
        DrillCommand.passes("runner-crash", "local", List.of("--api", cluster.api(), "--token", ItTokens.ADMIN,
            "--job-dir", cluster.dir.resolve("jobs").toString(), "--jobs", "8", "--timeout-seconds", "120"));
        String left = browser.await("RUNNER_LEFT ", Duration.ofMinutes(2));
        String killed = left.substring("RUNNER_LEFT ".length()).trim();
        assertThat(cluster.service(killed).alive()).as(killed + " left the view: it is the one the drill killed").isFalse();
        int exit = browser.waitFor(SCRIPT_LIMIT);
        assertThat(exit).as("browser script (cluster):\n" + String.join("\n", browser.output())).isZero();
      }
    }
  }
}
