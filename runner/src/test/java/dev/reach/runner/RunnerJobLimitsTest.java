package dev.reach.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.runner.limits.JobMemoryCap;
import dev.reach.runner.limits.MemoryCgroups;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.job.EndReason;
import dev.reach.shared.spec.JobLimits;
import dev.reach.shared.spec.JobSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-job limits with real jobs: a job over its memory limit is killed with reason
 * {@code memory_limit_exceeded} (by the sampler, and by a cgroup where the machine has a usable
 * one), one under it completes; jobs run with oom_score_adj 1000; artifacts over the size or count
 * limit are listed missing with their reason and fail a job that exited 0.
 */
class RunnerJobLimitsTest {
  private static final String HOG_200M = "python3 -c 'import time; x=bytearray(200*1024*1024); time.sleep(30)'";
  private RunnerHarness h;

  @BeforeEach
  void setUp() throws Exception {
    h = new RunnerHarness();
  }

  @AfterEach
  void tearDown() throws Exception {
    h.close();
  }

  private static JobSpec spec(long token, String command, List<String> artifacts, JobLimits limits) {
    return new JobSpec("j" + token, command, Map.of(), 600, 1, 3, List.of(), artifacts, limits);
  }

  private CompletionReport completionOf(long token, Duration within) {
    await().atMost(within).until(() -> h.orchestrator.completion(token).isPresent());
    return h.orchestrator.completion(token).orElseThrow();
  }

  @Test
  void theSamplerKillsAJobOverItsMemoryLimitAndRecordsLimitAndPeak() throws Exception {
    h.with("REACH_JOB_MEMORY_ENFORCER", "sampler").with("REACH_JOB_MEMORY_SAMPLE_MS", "50");
    h.orchestrator.offer(21, spec(21, HOG_200M, List.of(), new JobLimits(64, null, null)));
    long began = System.nanoTime();
    h.deploy();

    CompletionReport report = completionOf(21, Duration.ofSeconds(20));

    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(20)); // not the job's 30 s sleep
    assertThat(report.reason()).isEqualTo(EndReason.MEMORY_LIMIT_EXCEEDED);
    JsonObject limit = report.log().getJsonObject("limit");
    assertThat(limit.getString("kind")).isEqualTo("memory");
    assertThat(limit.getLong("limit_mb")).isEqualTo(64);
    assertThat(limit.getLong("limit_bytes")).isEqualTo(64L << 20);
    assertThat(limit.getString("enforced_by")).isEqualTo(JobMemoryCap.BY_SAMPLER);
    assertThat(limit.getLong("peak_bytes")).isGreaterThan(64L << 20);
  }

  @Test
  void aCgroupHoldsAJobToItsMemoryLimitWhereTheMachineHasAUsableOne() throws Exception {
    StringBuilder whyNot = new StringBuilder();
    var probe = MemoryCgroups.probe("probe-" + ProcessHandle.current().pid(), whyNot);
    probe.ifPresent(MemoryCgroups::close);
    Assumptions.assumeTrue(probe.isPresent(), "assumes a writable cgroup v1 memory hierarchy; here: " + whyNot);
    h.with("REACH_JOB_MEMORY_ENFORCER", "cgroup");
    h.orchestrator.offer(22, spec(22, HOG_200M, List.of(), new JobLimits(64, null, null)));
    h.deploy();

    CompletionReport report = completionOf(22, Duration.ofSeconds(20));

    assertThat(report.reason()).isEqualTo(EndReason.MEMORY_LIMIT_EXCEEDED);
    JsonObject limit = report.log().getJsonObject("limit");
    assertThat(limit.getString("enforced_by")).isEqualTo(JobMemoryCap.BY_CGROUP);
    assertThat(limit.getLong("limit_bytes")).isEqualTo(64L << 20);
    // the kernel never let it hold more than the limit
    assertThat(limit.getLong("peak_bytes")).isPositive().isLessThanOrEqualTo(64L << 20);
    // the job's cgroup is removed once its processes are gone
    Path runnerCgroup = probe.get().dir().resolveSibling("reach-test-runner");
    await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(runnerCgroup.resolve("job-22")));
  }

  @Test
  void aJobUnderItsMemoryLimitCompletesNormally() throws Exception {
    h.with("REACH_JOB_MEMORY_ENFORCER", "sampler").with("REACH_JOB_MEMORY_SAMPLE_MS", "20");
    h.orchestrator.offer(23, spec(23,
        "python3 -c 'import time; x=bytearray(16*1024*1024); time.sleep(1); print(\"done\")'", List.of(),
        new JobLimits(64, null, null)));
    h.deploy();

    CompletionReport report = completionOf(23, Duration.ofSeconds(20));

    assertThat(report.reason()).isEqualTo(EndReason.EXIT_CODE);
    assertThat(report.exitCode()).isZero();
    assertThat(report.log().containsKey("limit")).isFalse();
    assertThat(h.store.log("job-23", 1)).isEqualTo("done\n");
  }

  @Test
  void jobsRunWithOomScoreAdjRaisedSoTheKernelPicksThemBeforeTheRunner() throws Exception {
    Path leaderFile = h.dir.resolve("leader");
    Path childFile = h.dir.resolve("child");
    h.orchestrator.offer(24, "sleep 30 & echo $! > " + childFile + "; echo $$ > " + leaderFile + "; wait");
    h.deploy();

    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(leaderFile) && Files.exists(childFile)
        && !Files.readString(leaderFile).isBlank() && !Files.readString(childFile).isBlank());
    for (Path f : List.of(leaderFile, childFile)) {
      String pid = Files.readString(f).trim();
      assertThat(Files.readString(Path.of("/proc", pid, "oom_score_adj")).trim()).as("pid " + pid).isEqualTo("1000");
    }
    assertThat(Files.readString(Path.of("/proc/self/oom_score_adj")).trim()).isNotEqualTo("1000");
  }

  @Test
  void anArtifactOverTheSizeLimitIsListedMissingAndFailsAJobThatExitedZero() throws Exception {
    h.orchestrator.offer(25, spec(25, "mkdir -p out && head -c 100 /dev/zero > out/big.bin && echo hi > out/small.txt",
        List.of("out/*"), new JobLimits(null, 10L, null)));
    h.deploy();

    CompletionReport report = completionOf(25, Duration.ofSeconds(15));

    assertThat(report.reason()).isEqualTo(EndReason.ARTIFACT_TOO_LARGE);
    assertThat(report.exitCode()).isZero();
    JsonArray artifacts = report.log().getJsonArray("artifacts");
    assertThat(artifacts).hasSize(2);
    JsonObject big = entry(artifacts, "out/big.bin");
    assertThat(big.getBoolean("missing")).isTrue();
    assertThat(big.getString("reason")).startsWith("ARTIFACT_TOO_LARGE: 100 bytes, over the limit of 10 bytes");
    assertThat(entry(artifacts, "out/small.txt").getString("sha256")).isNotNull();
    assertThat(h.store.artifact("job-25", 1, "out/small.txt")).isEqualTo("hi\n");
    assertThat(report.log().getJsonObject("limit")).isEqualTo(new JsonObject().put("kind", "artifact_size")
        .put("limit_bytes", 10L).put("size", 100L).put("artifact", "out/big.bin"));
  }

  @Test
  void aJobThatFailedKeepsItsOwnReasonWhileItsOversizedArtifactIsStillListed() throws Exception {
    h.orchestrator.offer(26, spec(26, "mkdir -p out && head -c 100 /dev/zero > out/big.bin && exit 3",
        List.of("out/*"), new JobLimits(null, 10L, null)));
    h.deploy();

    CompletionReport report = completionOf(26, Duration.ofSeconds(15));

    assertThat(report.reason()).isEqualTo(EndReason.EXIT_CODE);
    assertThat(report.exitCode()).isEqualTo(3);
    assertThat(entry(report.log().getJsonArray("artifacts"), "out/big.bin").getString("reason")).startsWith("ARTIFACT_TOO_LARGE");
  }

  @Test
  void tooManyArtifactsUnderTheRunnersCeilingAreListedMissingAndFailTheJob() throws Exception {
    h.with("REACH_JOB_MAX_ARTIFACTS", "2"); // the job asks for 5: the runner's ceiling wins
    h.orchestrator.offer(27, spec(27, "mkdir -p out && for f in a b c; do echo $f > out/$f.txt; done",
        List.of("out/*"), new JobLimits(null, null, 5)));
    h.deploy();

    CompletionReport report = completionOf(27, Duration.ofSeconds(15));

    assertThat(report.reason()).isEqualTo(EndReason.TOO_MANY_ARTIFACTS);
    JsonArray artifacts = report.log().getJsonArray("artifacts");
    assertThat(entry(artifacts, "out/a.txt").getBoolean("missing", false)).isFalse();
    assertThat(entry(artifacts, "out/b.txt").getBoolean("missing", false)).isFalse();
    assertThat(entry(artifacts, "out/c.txt").getString("reason"))
        .startsWith("TOO_MANY_ARTIFACTS: the job produced 3 artifact files, over its limit of 2");
    assertThat(report.log().getJsonObject("limit").getString("artifact")).isEqualTo("out/c.txt");
    assertThat(h.store.artifactRequests.get()).isEqualTo(2);
  }

  private static JsonObject entry(JsonArray artifacts, String name) {
    return artifacts.stream().map(JsonObject.class::cast).filter(a -> name.equals(a.getString("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no artifact entry " + name + " in " + artifacts));
  }
}
