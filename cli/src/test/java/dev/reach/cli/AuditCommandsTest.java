package dev.reach.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.audit.SealedEvent;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reachctl audit export} against a local cluster that ran a real workload, and {@code audit
 * verify} on that export as written and tampered with in each way the issue names.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AuditCommandsTest {
  static final String TOKEN = "audit-test-admin-token-0123";
  static final Map<String, String> ENV = Map.of("REACH_TEST_MODE", "true", "REACH_ADMIN_TOKEN", TOKEN,
      "REACH_SEAL_INTERVAL_MS", "100");
  static final String SPEC = """
      {"name":"audited","jobs":[
        {"name":"a","command":"true"},
        {"name":"b","command":"exit 3","max_attempts":2}]}""";

  @TempDir static Path tmp;
  static LocalCluster cluster;
  static List<String> exported;

  @BeforeAll
  static void workloadAndExport() throws Exception {
    cluster = LocalCluster.start(LocalCluster.options().env(ENV).tempRoot(tmp).port(0).runners(1).slots(2));
    await().atMost(Duration.ofSeconds(60)).until(() -> new CliHarness().run("runners", "--api", cluster.apiUrl()) == 0);
    CliHarness submit = new CliHarness().stdin(SPEC);
    assertThat(submit.run("submit", "-", "--api", cluster.apiUrl())).as(submit.err()).isEqualTo(0);
    String runId = submit.out().strip();
    CliHarness status = new CliHarness();
    status.run("status", runId, "--wait", "--timeout", "120", "--api", cluster.apiUrl());
    assertThat(status.out()).contains("FAILED"); // b fails twice
    // the leader seals shortly after commit
    try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + cluster.dbPort() + "/reach",
        "postgres", "postgres")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> count(db, "SELECT count(*) FROM events e WHERE NOT EXISTS"
          + " (SELECT 1 FROM event_seals s WHERE s.seq = e.seq)") == 0);
    }
    CliHarness export = new CliHarness().env(Map.of("REACH_ADMIN_TOKEN", TOKEN));
    assertThat(export.run("audit", "export", "--api", cluster.apiUrl())).as(export.err()).isEqualTo(0);
    exported = export.out().lines().toList();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static long count(Connection db, String sql) throws Exception {
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static CliHarness verify(List<String> lines) throws IOException {
    Path file = Files.createTempFile(tmp, "log", ".jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    CliHarness h = new CliHarness();
    h.run("audit", "verify", file.toString());
    return h;
  }

  private static int exitOf(List<String> lines) throws IOException {
    Path file = Files.createTempFile(tmp, "log", ".jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return new CliHarness().run("audit", "verify", file.toString());
  }

  private static List<SealedEvent> events() {
    return new ArrayList<>(AuditLogs.events(exported));
  }

  @Test
  void theExportOfAWorkloadVerifies() throws IOException {
    CliHarness h = verify(exported);
    assertThat(exitOf(exported)).as(h.out()).isEqualTo(0);
    int n = exported.size() - 2;
    assertThat(h.out()).startsWith("OK: " + n + " event(s) checked")
        .contains("sealed: " + n + " event(s), chain positions 1.." + n)
        .contains("every hash and link holds")
        .contains("lifecycle: 2 job(s) replayed");
    assertThat(events()).extracting(SealedEvent::type)
        .contains("run_submitted", "job_leased", "job_started", "attempt_completed");
  }

  @Test
  void anEditedPayloadIsAHashMismatch() throws IOException {
    List<String> lines = new ArrayList<>(exported);
    int i = indexOfLine(lines, "\"type\":\"job_started\"");
    JsonObject o = new JsonObject(lines.get(i));
    o.getJsonObject("payload").put("spawned_at_ms", o.getJsonObject("payload").getLong("spawned_at_ms") + 1);
    lines.set(i, o.encode());
    CliHarness h = verify(lines);
    assertThat(exitOf(lines)).isEqualTo(1);
    assertThat(h.out()).startsWith("FAILED at line " + (i + 1) + ", event seq " + o.getLong("seq") + " (job_started): rule hash:")
        .contains("does not match its hash");
  }

  @Test
  void aDeletedLineIsAGapInThePositions() throws IOException {
    List<String> lines = new ArrayList<>(exported);
    long pos = new JsonObject(lines.get(5)).getLong("pos");
    lines.remove(5);
    CliHarness h = verify(lines);
    assertThat(exitOf(lines)).isEqualTo(1);
    assertThat(h.out()).startsWith("FAILED at line 6, event seq ").contains("rule continuity: chain position " + (pos + 1)
        + " where " + pos + " was expected: the event(s) at position " + pos + " are missing");
  }

  @Test
  void reorderedLinesAreOutOfOrder() throws IOException {
    List<String> lines = new ArrayList<>(exported);
    Collections.swap(lines, 5, 6);
    long late = new JsonObject(lines.get(6)).getLong("pos");
    CliHarness h = verify(lines);
    assertThat(exitOf(lines)).isEqualTo(1);
    assertThat(h.out()).startsWith("FAILED at line 7, event seq ")
        .contains("rule continuity: chain position " + late + " comes after position " + (late + 1) + " (line 6): lines are out of order");
  }

  @Test
  void aRemovedEndIsACutOffExport() throws IOException {
    List<String> lines = new ArrayList<>(exported.subList(0, exported.size() - 1));
    CliHarness h = verify(lines);
    assertThat(exitOf(lines)).isEqualTo(1);
    assertThat(h.out()).contains("rule end: no end line");
  }

  @Test
  void aForgedTransitionIsCaughtByTheReplayEvenWhenEveryHashIsRecomputed() throws IOException {
    List<SealedEvent> events = events();
    int started = AuditLogs.indexOf(events, e -> e.type().equals("job_started"));
    SealedEvent s = events.get(started);
    // a second lease of a RUNNING job, with a fresh token: RUNNING -> LEASED is not in the table
    SealedEvent forged = new SealedEvent(null, 0, s.at(), "job_leased", s.runId(), s.jobId(), s.token() + 1000,
        new JsonObject().put("job_id", s.jobId()).put("attempt", 2).put("token", s.token() + 1000), null, null);
    events.add(started + 1, forged);
    List<String> lines = AuditLogs.rechain(events);
    CliHarness h = verify(lines);
    assertThat(exitOf(lines)).isEqualTo(1);
    assertThat(h.out()).startsWith("FAILED at line " + (started + 3) + ", event seq " + (started + 2) + " (job_leased)")
        .contains("rule legal-transition: illegal transition RUNNING -> LEASED");
  }

  @Test
  void aCompletionWithAStaleTokenIsCaught() throws IOException {
    List<SealedEvent> events = events();
    // b's second lease; its first attempt's token is stale from then on
    int second = AuditLogs.indexOf(events, e -> e.type().equals("job_leased") && e.payload().getInteger("attempt") == 2);
    SealedEvent lease = events.get(second);
    long stale = events.get(AuditLogs.indexOf(events, e -> e.type().equals("job_leased")
        && e.jobId().equals(lease.jobId()) && e.payload().getInteger("attempt") == 1)).token();
    SealedEvent forged = new SealedEvent(null, 0, lease.at(), "attempt_completed", lease.runId(), lease.jobId(), stale,
        new JsonObject().put("job_id", lease.jobId()).put("attempt", 1).put("token", stale).put("exit_code", 0)
            .put("reason", "exit_code").put("attempt_state", "SUCCEEDED").put("to", "SUCCEEDED").put("log", null),
        null, null);
    events.add(second + 1, forged);
    List<String> lines = AuditLogs.rechain(events);
    CliHarness h = verify(lines);
    assertThat(exitOf(lines)).isEqualTo(1);
    assertThat(h.out()).startsWith("FAILED at line " + (second + 3))
        .contains("(attempt_completed): rule stale-token: completion accepted for a stale lease token " + stale
            + " (the job's current token is " + lease.token() + ")");
  }

  @Test
  void aSecondCompletionOfAnAttemptIsCaught() throws IOException {
    List<SealedEvent> events = events();
    int done = AuditLogs.indexOf(events, e -> e.type().equals("attempt_completed"));
    events.add(done + 1, events.get(done));
    List<String> lines = AuditLogs.rechain(events);
    CliHarness h = verify(lines);
    assertThat(exitOf(lines)).isEqualTo(1);
    assertThat(h.out()).contains("rule one-completion-per-attempt: a second completion accepted for attempt");
  }

  @Test
  void exportNeedsTheAdminToken() {
    CliHarness h = new CliHarness();
    assertThat(h.run("audit", "export", "--api", cluster.apiUrl())).as("no token: a usage error").isEqualTo(2);
    assertThat(h.err()).contains("needs an admin token").contains("--token");
    CliHarness wrong = new CliHarness();
    assertThat(wrong.run("audit", "export", "--api", cluster.apiUrl(), "--token", "not-the-admin-token-0123")).isEqualTo(1);
    assertThat(wrong.err()).contains("error UNAUTHORIZED");
    CliHarness withFlag = new CliHarness();
    assertThat(withFlag.run("audit", "export", "--api", cluster.apiUrl(), "--token", TOKEN, "--since", "3"))
        .as(withFlag.err()).isEqualTo(0);
    assertThat(new JsonObject(withFlag.out().lines().skip(1).findFirst().orElseThrow()).getLong("seq")).isGreaterThan(3);
  }

  private static int indexOfLine(List<String> lines, String text) {
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    throw new AssertionError("no line with " + text);
  }
}
