package dev.reach.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.job.EndReason;
import dev.reach.shared.spec.JobSpec;
import dev.reach.shared.spec.SecretValues;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Secrets on a real runner with real jobs: a secret reaches the job as an environment variable,
 * and whatever the job prints of it — whole, or in pieces written apart in time so they arrive in
 * separate output chunks — is stored as {@code ***}. The value is in no file of the runner's state
 * directory and in none of its log records. A lease whose secrets could not be decrypted is not run.
 */
class RunnerSecretsTest {
  private static final String SECRET = "s3cr3t-Väl/ue-42";
  private static final String OTHER = "second-secret-value";
  private RunnerHarness h;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Logger reach = Logger.getLogger("dev.reach");
  private Level reachLevel;
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      records.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void setUp() throws Exception {
    h = new RunnerHarness();
    reachLevel = reach.getLevel();
    reach.setLevel(Level.ALL);
    reach.addHandler(capture);
  }

  @AfterEach
  void tearDown() throws Exception {
    reach.removeHandler(capture);
    reach.setLevel(reachLevel);
    h.close();
  }

  private static Lease lease(long token, String command, SecretValues secrets, List<String> unavailable) {
    return new Lease("job-" + token, "run-1", "j" + token, 1, token,
        new JobSpec("j" + token, command, Map.of("PLAIN", "visible"), 600, 1, 3, List.of(), List.of()),
        secrets, unavailable);
  }

  @Test
  void aSecretPrintedWholeOrInPiecesIsStoredMasked() throws Exception {
    SecretValues secrets = SecretValues.of(Map.of("S", SECRET, "T", OTHER), "secrets");
    String command = String.join("; ",
        "printf 'whole: %s\\n' \"$S\"",
        "printf 'split: %s' \"$(printf %s \"$S\" | head -c 3)\"", "sleep 0.3", "printf '%s\\n' \"$(printf %s \"$S\" | tail -c +4)\"",
        // split inside the two bytes of 'ä'
        "printf 'utf8: %s' \"$(printf %s \"$S\" | head -c 9)\"", "sleep 0.3", "printf '%s\\n' \"$(printf %s \"$S\" | tail -c +10)\"",
        "printf 'other: %s and %s again %s\\n' \"$T\" \"$S\" \"$T\"",
        "printf 'plain: %s\\n' \"$PLAIN\"",
        "[ \"$S\" = '" + SECRET + "' ] && echo env-ok",
        "printf 'tail: %s' \"$(printf %s \"$T\" | head -c 6)\"");
    h.orchestrator.offer(lease(21, command, secrets, List.of()));
    h.deploy();

    await().atMost(Duration.ofSeconds(20)).until(() -> h.orchestrator.completion(21).isPresent());
    CompletionReport report = h.orchestrator.completion(21).orElseThrow();
    assertThat(report.reason()).isEqualTo(EndReason.EXIT_CODE);
    assertThat(report.exitCode()).isZero();
    String log = h.store.log("job-21", 1);
    assertThat(log).isEqualTo(String.join("\n",
        "whole: ***", "split: ***", "utf8: ***", "other: *** and *** again ***", "plain: visible", "env-ok", "tail: second"));
    // the pieces were written 300 ms apart: the output came in several chunks and several appends
    assertThat(h.store.logRequests.get()).isGreaterThanOrEqualTo(2);

    assertNowhereOnTheRunner(SECRET, OTHER);
  }

  @Test
  void aLeaseWithSecretsThatCouldNotBeDecryptedIsNotRun() throws Exception {
    Path marker = h.dir.resolve("ran");
    h.orchestrator.offer(lease(22, "touch " + marker, SecretValues.of(Map.of("T", OTHER), "secrets"), List.of("DB_PASSWORD")));
    h.deploy();

    await().atMost(Duration.ofSeconds(20)).until(() -> h.orchestrator.completion(22).isPresent());
    CompletionReport report = h.orchestrator.completion(22).orElseThrow();
    assertThat(report.reason()).isEqualTo(EndReason.SECRETS_UNAVAILABLE);
    assertThat(report.exitCode()).isNull();
    assertThat(marker).doesNotExist();
    assertThat(h.store.log("job-22", 1)).contains("secrets unavailable (DB_PASSWORD)");
    assertThat(records).anyMatch(r -> r.getMessage().contains("secrets unavailable (DB_PASSWORD)"));
    assertNowhereOnTheRunner(OTHER);
  }

  /** No file under the runner's state directory and no log record holds any of {@code values}. */
  private void assertNowhereOnTheRunner(String... values) throws Exception {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(h.stateDir)) {
      walk.filter(Files::isRegularFile).forEach(files::add);
    }
    for (Path f : files) {
      String content = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
      for (String v : values) {
        assertThat(content).as(f.toString()).doesNotContain(v);
      }
    }
    for (LogRecord r : records) {
      String text = r.getMessage() + " " + (r.getParameters() == null ? "" : List.of(r.getParameters()))
          + " " + (r.getThrown() == null ? "" : r.getThrown().toString());
      for (String v : values) {
        assertThat(text).doesNotContain(v);
      }
    }
  }
}
