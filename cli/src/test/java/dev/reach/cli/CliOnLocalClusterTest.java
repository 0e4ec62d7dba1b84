package dev.reach.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reachctl} against a real local cluster in this JVM (embedded Postgres, orchestrator, runner,
 * artifact store, hub): {@code submit --follow} shows progress and the failing job's log and exits 1 when
 * the run FAILED, 0 when it SUCCEEDED; every command's {@code --json} output parses as JSON.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliOnLocalClusterTest {
  static final String TOKEN = "cli-admin-token-0123456789";
  /** A run with a job that fails twice (two attempts, each followed) beside one that succeeds. */
  static final String FAILING = "{\"name\":\"demo\",\"jobs\":["
      + "{\"name\":\"greet\",\"command\":\"echo hello; sleep 1; echo done\"},"
      + "{\"name\":\"fail\",\"max_attempts\":2,\"command\":\"echo compiling attempt $REACH_ATTEMPT; sleep 1;"
      + " echo 'error: tests failed' >&2; exit 3\"}]}";
  static final String PASSING = "{\"name\":\"ok\",\"jobs\":[{\"name\":\"one\",\"command\":\"echo fine\"}]}";

  @TempDir static Path tmp;
  private LocalCluster cluster;
  private String api;
  private ExecutorService executor;

  @BeforeAll
  void start() throws Exception {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path root = Files.createDirectories(tmp.resolve("root"));
    cluster = LocalCluster.start(LocalCluster.options().env(LocalClusterTest.ENV).set("REACH_ADMIN_TOKEN", TOKEN)
        .set("REACH_SECRETS_KEY", Base64.getEncoder().encodeToString(key))
        .tempRoot(root).port(0).runners(1).slots(2));
    api = cluster.apiUrl();
    executor = Executors.newCachedThreadPool();
  }

  @AfterAll
  void stop() {
    if (executor != null) {
      executor.shutdownNow();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private CliHarness cli() {
    Map<String, String> env = new HashMap<>(LocalClusterTest.ENV);
    env.put("REACH_ADMIN_TOKEN", TOKEN);
    env.put("REACH_API", api);
    env.put("PATH", System.getenv("PATH")); // tls dev-ca runs openssl
    return new CliHarness().env(env);
  }

  private Path spec(String json) throws Exception {
    Path f = Files.createTempFile(tmp, "run", ".json");
    Files.writeString(f, json);
    return f;
  }

  @Test
  void submitFollowShowsProgressAndTheFailingJobsLogAndExits1() throws Exception {
    CliHarness h = cli();
    int code = h.run("submit", spec(FAILING).toString(), "--follow");
    String out = h.out();
    assertThat(code).as(out + h.err()).isEqualTo(ExitCodes.FAILED);
    String[] lines = out.split("\n");
    assertThat(lines[0]).matches("run [0-9a-f-]{36} submitted; following it \\(Ctrl-C stops following, not the run\\)");
    String runId = lines[0].split(" ")[1];
    // progress lines while it runs (plain: not a terminal), the failing job's log, then the final state
    assertThat(out).containsPattern("\\[\\d+\\.\\ds\\] run (QUEUED|RUNNING): [01]/2 jobs done, \\d running, \\d queued, [01] failed")
        .contains("run FAILED: 2/2 jobs done, 0 running, 0 queued, 1 failed")
        .contains("log of failing job fail, attempt 1:\n  fail | compiling attempt 1\n  fail | error: tests failed\n")
        .contains("log of failing job fail, attempt 2:\n  fail | compiling attempt 2\n  fail | error: tests failed\n")
        .contains("run " + runId + " (demo): FAILED")
        .containsPattern("fail +FAILED +3 +exit_code +#1 FAILED")
        .containsPattern("greet +SUCCEEDED +0");
    assertThat(out).as("no control codes off a terminal").doesNotContain("\r").doesNotContain("\u001b");
    assertThat(out.indexOf("run " + runId + " (demo): FAILED")).isGreaterThan(out.indexOf("attempt 2:"));
    assertThat(h.err()).isEmpty();
  }

  @Test
  void submitFollowJsonPrintsOnlyTheFinalRunOnStdout() throws Exception {
    CliHarness h = cli();
    assertThat(h.run("submit", spec(FAILING).toString(), "--follow", "--json")).as(h.err()).isEqualTo(1);
    JsonObject run = new JsonObject(h.out());
    assertThat(run.getString("state")).isEqualTo("FAILED");
    assertThat(run.getJsonArray("jobs")).hasSize(2);
    assertThat(h.err()).contains("jobs done", "  fail | error: tests failed");
  }

  @Test
  void submitFollowOfARunThatSucceedsExits0() throws Exception {
    CliHarness h = cli();
    assertThat(h.run("submit", spec(PASSING).toString(), "--follow")).as(h.out() + h.err()).isZero();
    assertThat(h.out()).contains("run SUCCEEDED: 1/1 jobs done, 0 running, 0 queued, 0 failed", "(ok): SUCCEEDED")
        .doesNotContain("log of failing job");
  }

  /** Runs {@code args} with --json; the JSON on stdout (exit 0) or the error's JSON on stderr (else). */
  private JsonObject json(Set<String> covered, int expectedExit, String... args) {
    CliHarness h = cli().stdin("s3cr3t-value\n");
    List<String> a = new ArrayList<>(List.of(args));
    a.add("--json");
    int code = h.run(a.toArray(String[]::new));
    assertThat(code).as(String.join(" ", args) + ": " + h.err()).isEqualTo(expectedExit);
    covered.add(commandName(args));
    if (code == 0) {
      return new JsonObject(h.out());
    }
    assertThat(h.out()).isEmpty();
    return new JsonObject(h.err().strip()).getJsonObject("error");
  }

  private static String commandName(String... args) {
    Set<String> groups = Set.of("dead-letters", "admin", "debug", "audit", "secret", "drill", "token", "tls");
    if (args.length > 2 && args[0].equals("admin") && args[1].equals("backup") && args[2].equals("list")) {
      return "reachctl admin backup list";
    }
    return "reachctl " + args[0] + (groups.contains(args[0]) ? " " + args[1] : "");
  }

  @Test
  void everyApiCommandsJsonParses() throws Exception {
    Set<String> covered = new TreeSet<>();
    String runId = json(covered, 0, "submit", spec(PASSING).toString()).getString("id");
    assertThat(runId).isNotBlank();
    assertThat(json(covered, 0, "status", runId, "--wait").getString("state")).isEqualTo("SUCCEEDED");
    assertThat(json(covered, 0, "logs", runId, "one").getString("log")).isEqualTo("fine\n");
    JsonObject cancel = json(covered, 0, "cancel", runId);
    assertThat(cancel.getString("id")).isEqualTo(runId);
    assertThat(json(covered, 0, "runners").getJsonArray("runners")).hasSize(1);
    assertThat(json(covered, 0, "dead-letters", "list").getJsonArray("dead_letters")).isNotNull();
    String noJob = UUID.randomUUID().toString();
    assertThat(json(covered, 1, "dead-letters", "show", noJob).getString("code")).isEqualTo("DEAD_LETTER_NOT_FOUND");
    assertThat(json(covered, 1, "dead-letters", "requeue", noJob).getString("code")).isEqualTo("DEAD_LETTER_NOT_FOUND");
    assertThat(json(covered, 0, "admin", "rebuild-projections", "--dry-run").getLong("differences")).isZero();
    assertThat(json(covered, 0, "debug", "dump-state", runId).getJsonObject("run")).isNotNull();
    assertThat(json(covered, 0, "secret", "set", "CLI_SECRET").getString("name")).isEqualTo("CLI_SECRET");
    assertThat(json(covered, 0, "secret", "list").encode()).contains("CLI_SECRET").doesNotContain("s3cr3t-value");
    assertThat(json(covered, 0, "secret", "delete", "CLI_SECRET")).isNotNull();
    JsonObject token = json(covered, 0, "token", "create", "--name", "ci", "--role", "viewer");
    assertThat(token.getString("token")).isNotBlank();
    assertThat(json(covered, 0, "token", "list").encode()).contains(token.getString("id"));
    assertThat(json(covered, 0, "token", "revoke", token.getString("id"))).isNotNull();
    assertThat(json(covered, 0, "drill", "list").getJsonArray("scenarios")).isNotEmpty();
    // backups are taken and restored for real by BackupRestoreTest; here their --json output and errors
    Path backups = Files.createDirectories(tmp.resolve("backups"));
    assertThat(json(covered, 0, "admin", "backup", "list", "--out", backups.toString()).encode()).startsWith("{");
    assertThat(json(covered, 2, "admin", "restore", "no-such-backup", "--out", backups.toString(),
        "--db-url", "postgresql://reach@127.0.0.1:1/reach").getString("code")).isEqualTo("USAGE");
    JsonObject demo = json(covered, 0, "demo", "--timeout", "120");
    assertThat(demo.getBoolean("ok")).as(demo.encodePrettily()).isTrue();
    // a drill needs a cluster of separate processes to break: here its --json usage error is JSON
    assertThat(json(covered, 2, "drill", "run", "no-such-scenario").getString("code")).isEqualTo("USAGE");
    JsonObject ca = json(covered, 0, "tls", "dev-ca", "--out", tmp.resolve("ca").toString(), "--member", "node-1");
    assertThat(ca.getBoolean("ca_created")).isTrue();
    assertThat(ca.getJsonArray("members").getJsonObject(0).getString("name")).isEqualTo("node-1");

    // the export is JSON lines with or without --json; verify --json reports on it
    CliHarness export = cli();
    assertThat(export.run("audit", "export", "--run", runId, "--json")).as(export.err()).isZero();
    covered.add("reachctl audit export");
    String[] lines = export.out().split("\n");
    assertThat(lines.length).isGreaterThan(2);
    for (String line : lines) {
      assertThat(new JsonObject(line)).isNotNull();
    }
    Path file = tmp.resolve("export.jsonl");
    Files.writeString(file, export.out());
    JsonObject verify = json(covered, 0, "audit", "verify", file.toString());
    assertThat(verify.getBoolean("ok")).isTrue();
    assertThat(verify.getLong("events")).isPositive();

    // every command but those started on their own below (dev, bench), the long-running service and help
    Set<String> leaves = new TreeSet<>();
    JsonAndExitCodesTest.commands().forEach((name, cl) -> {
      if (cl.getSubcommands().isEmpty()) {
        leaves.add(name);
      }
    });
    leaves.removeAll(Set.of("reachctl dev", "reachctl bench", "reachctl service", "reachctl help"));
    assertThat(covered).isEqualTo(leaves);
  }

  @Test
  void devPrintsOneReadyJsonLine() throws Exception {
    CliHarness.ManualStop stop = new CliHarness.ManualStop();
    CliHarness h = cli().stopSignal(stop);
    Future<Integer> exit = executor.submit(() -> h.run("dev", "--port", "0", "--runners", "0", "--json"));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!h.out().contains("\n") && System.nanoTime() < deadline && !exit.isDone()) {
      Thread.sleep(100);
    }
    JsonObject ready = new JsonObject(h.out().strip());
    stop.fire();
    assertThat(exit.get(2, TimeUnit.MINUTES)).as(h.err()).isZero();
    assertThat(ready.getString("event")).isEqualTo("ready");
    assertThat(ready.getString("url")).isEqualTo("http://127.0.0.1:" + ready.getInteger("port") + "/");
    assertThat(ready.getInteger("runners")).isZero();
    assertThat(ready.getBoolean("auth")).isFalse();
    assertThat(h.out().strip()).as("stdout holds the JSON line only").doesNotContain("\n");
  }

  @Test
  void benchPrintsItsFiguresAsJson() {
    CliHarness h = cli();
    assertThat(h.run("bench", "--jobs", "10", "--warmup", "2", "--idle-jobs", "3", "--idle-gap-ms", "10",
        "--runners", "1", "--slots", "2", "--json")).as(h.err()).isZero();
    JsonObject figures = new JsonObject(h.out());
    assertThat(figures.getJsonObject("burst").getInteger("succeeded")).isEqualTo(10);
    assertThat(figures.getJsonObject("idle").getInteger("runs")).isEqualTo(3);
    assertThat(figures.getJsonObject("burst").getJsonObject("submit_to_start_ms").getInteger("n")).isEqualTo(10);
    assertThat(h.err()).contains("burst: 10 jobs");
  }

  @Test
  void serviceWithJsonReportsABadVariableAsJson() {
    CliHarness h = new CliHarness().env(Map.of("REACH_LEASE_TTL_MS", "soon"));
    assertThat(h.run("service", "hub", "--json")).isEqualTo(2);
    JsonObject error = new JsonObject(h.err().strip()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("USAGE");
    assertThat(error.getString("message")).contains("REACH_LEASE_TTL_MS=soon");
    assertThat(h.out()).isEmpty();
  }
}
