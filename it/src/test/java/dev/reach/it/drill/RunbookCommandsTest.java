package dev.reach.it.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.cli.drill.Scenario;
import dev.reach.it.ItTokens;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The runbooks in {@code docs/runbooks/} are commands an operator types, so they are run: every {@code $ }
 * line of every {@code sh} block goes to {@code bash} (with {@code reachctl} on the PATH, {@code curl},
 * {@code $REACH_API}, {@code $REACH_ADMIN_TOKEN}, a finished run's {@code $RUN_ID}, {@code $REACH_DB_URL}, the
 * newest backup's {@code $BACKUP_ID}) against a cluster of
 * separate processes with a real Postgres, and must exit 0. A line about a dead letter ({@code $JOB_ID})
 * runs against a job that has none and must get {@code DEAD_LETTER_NOT_FOUND} from the API. A
 * {@code reachctl drill run SCENARIO} line is not run here (drills inject real faults for minutes): its
 * scenario must exist and be run by a drill test of this module. Nor is a restore to a point in time
 * (it needs a server with a WAL archive): {@code PointInTimeRestoreTest} and {@code ComposeClusterTest}
 * run it. Every failure class the issue names
 * has its page, with the same parts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunbookCommandsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path RUNBOOKS = ROOT.resolve("docs/runbooks");
  private static final List<String> PAGES = List.of("orchestrator-crash", "runner-crash", "database-outage",
      "artifact-store-outage", "network-partition", "mass-lease-expiry", "poison-pill", "disk-pressure",
      "secrets-rotation", "backup-restore", "database-replica-failover");
  private static final List<String> PARTS = List.of("## Symptoms", "## Confirm", "## Safe actions", "## Never");
  private static final Pattern DRILL = Pattern.compile("^reachctl drill run ([a-z-]+)\\b.*");
  /** A restore to a point in time needs a server with a WAL archive: its lines are run by these tests instead. */
  private static final Pattern POINT_IN_TIME = Pattern.compile(".*admin restore .*--to-time .*");
  private static final List<String> POINT_IN_TIME_TESTS = List.of(
      "cli/src/test/java/dev/reach/cli/backup/PointInTimeRestoreTest.java",
      "it/src/test/java/dev/reach/it/compose/ComposeClusterTest.java");

  /** One command line of a runbook. */
  record Command(String page, int line, String text) {
    @Override
    public String toString() {
      return page + ":" + line + ": " + text;
    }
  }

  private DrillCluster cluster;
  private Path bin;
  private String runId;

  @BeforeAll
  void start() throws Exception {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    cluster = new DrillCluster(Map.of("REACH_SECRETS_KEY", java.util.Base64.getEncoder().encodeToString(key)));
    cluster.startRunner("runner-a", 2);
    bin = Files.createDirectories(cluster.dir.resolve("bin"));
    Path reachctl = bin.resolve("reachctl");
    String java = ProcessHandle.current().info().command().orElse("java");
    Files.writeString(reachctl, "#!/bin/sh\nexec '" + java + "' -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
        + " -Dvertx.cacheDirBase='" + cluster.dir.resolve("vertx-cache") + "' -cp '"
        + System.getProperty("java.class.path") + "' dev.reach.cli.ReachCtl \"$@\"\n");
    Files.setPosixFilePermissions(reachctl, PosixFilePermissions.fromString("rwxr-xr-x"));

    HttpResponse<String> submitted = cluster.post("/api/v1/runs",
        "{\"name\":\"runbook\",\"jobs\":[{\"name\":\"greet\",\"command\":\"echo hello from a runbook run\"}]}");
    assertThat(submitted).isNotNull();
    assertThat(submitted.statusCode()).as(submitted.body()).isIn(200, 201);
    runId = new JsonObject(submitted.body()).getString("id");
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
      HttpResponse<String> r = cluster.get("/api/v1/runs/" + runId);
      return r != null && r.statusCode() == 200 && new JsonObject(r.body()).getString("state").equals("SUCCEEDED");
    });
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static List<Command> commands(String page) throws IOException {
    List<String> lines = Files.readAllLines(RUNBOOKS.resolve(page + ".md"), StandardCharsets.UTF_8);
    List<Command> out = new ArrayList<>();
    boolean inSh = false;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.startsWith("```")) {
        inSh = !inSh && l.equals("```sh");
      } else if (inSh && l.startsWith("$ ")) {
        out.add(new Command(page, i + 1, l.substring(2).trim()));
      }
    }
    return out;
  }

  @Test
  void everyFailureClassHasItsPageWithTheSameParts() throws IOException {
    String index = Files.readString(RUNBOOKS.resolve("README.md"));
    for (String page : PAGES) {
      Path file = RUNBOOKS.resolve(page + ".md");
      assertThat(file).as(page).exists();
      String text = Files.readString(file);
      for (String part : PARTS) {
        assertThat(text).as(page + " has " + part).contains("\n" + part + "\n");
      }
      assertThat(index).as("the index links " + page).contains("(" + page + ".md)");
      assertThat(commands(page)).as(page + " has commands to confirm").isNotEmpty();
    }
    try (Stream<Path> files = Files.list(RUNBOOKS)) {
      Set<String> present = files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("README.md"))
          .map(n -> n.replaceFirst("\\.md$", "")).collect(Collectors.toSet());
      assertThat(present).as("pages this test knows").isSubsetOf(PAGES);
    }
  }

  @Test
  void everyDrillARunbookNamesIsAScenarioADrillTestRuns() throws IOException {
    Set<String> scenarios = Arrays.stream(Scenario.values()).map(Scenario::label).collect(Collectors.toSet());
    String itSources;
    try (Stream<Path> files = Files.walk(ROOT.resolve("it/src/test/java"))) {
      itSources = files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("RunbookCommandsTest.java"))
          .map(p -> {
            try {
              return Files.readString(p);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }).collect(Collectors.joining("\n"));
    }
    List<String> problems = new ArrayList<>();
    for (String page : PAGES) {
      for (Command c : commands(page)) {
        Matcher m = DRILL.matcher(c.text());
        if (m.matches()) {
          if (!scenarios.contains(m.group(1))) {
            problems.add(c + " (no such scenario)");
          } else if (!itSources.contains("drill(\"" + m.group(1) + "\"")
              && !itSources.contains("passes(\"" + m.group(1) + "\"")) {
            problems.add(c + " (no drill test runs it)");
          }
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyPointInTimeRestoreARunbookNamesIsRunByItsOwnTests() throws IOException {
    List<Command> lines = new ArrayList<>();
    for (String page : PAGES) {
      commands(page).stream().filter(c -> POINT_IN_TIME.matcher(c.text()).matches()).forEach(lines::add);
    }
    for (String test : POINT_IN_TIME_TESTS) {
      String source = Files.readString(ROOT.resolve(test));
      assertThat(source).as(test + " restores to a point in time").contains("\"restore\"").contains("\"--to-time\"");
    }
    assertThat(lines).as("the backup-restore runbook restores to a point in time").isNotEmpty();
    // not run here, but each is a reachctl command line that parses: its command and options exist
    List<String> problems = new ArrayList<>();
    for (Command c : lines) {
      String args = c.text().substring(c.text().indexOf("reachctl ") + "reachctl ".length()).replaceAll("\\$[A-Z_]+", "x");
      try {
        dev.reach.cli.ReachCtl.commandLine(dev.reach.cli.Cli.process()).parseArgs(args.trim().split("\\s+"));
      } catch (picocli.CommandLine.ParameterException e) {
        problems.add(c + ": " + e.getMessage());
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyCommandRunsAgainstAClusterOfSeparateProcesses() throws Exception {
    List<String> failures = new ArrayList<>();
    int ran = 0;
    for (String page : PAGES) {
      for (Command c : commands(page)) {
        if (DRILL.matcher(c.text()).matches() || POINT_IN_TIME.matcher(c.text()).matches()) {
          continue;
        }
        ran++;
        Result r = run(c.text());
        boolean deadLetter = c.text().contains("$JOB_ID");
        boolean ok = deadLetter ? r.exit() != 0 && r.output().contains("DEAD_LETTER_NOT_FOUND") : r.exit() == 0;
        System.out.printf("RUNBOOK %s -> exit %d%n", c, r.exit());
        if (!ok) {
          failures.add(c + "\n  exit " + r.exit() + "\n  " + r.output().replace("\n", "\n  "));
        }
      }
    }
    System.out.printf("RUNBOOK %d commands run, %d failed%n", ran, failures.size());
    assertThat(ran).isGreaterThan(10);
    assertThat(failures).as("runbook commands that failed").isEmpty();
  }

  record Result(int exit, String output) {}

  private Result run(String command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", command);
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    env.put("HOME", cluster.dir.toString());
    env.put("REACH_API", cluster.api());
    env.put("REACH_ADMIN_TOKEN", ItTokens.ADMIN);
    env.put("RUN_ID", runId);
    env.put("JOB_ID", UUID.randomUUID().toString());
    env.put("NEW_DB_PASSWORD", "runbook-rotated-" + UUID.randomUUID());
    env.put("REACH_DB_URL", cluster.postgres.url());
    Path backups = Files.createDirectories(cluster.dir.resolve("backups"));
    env.put("REACH_BACKUP_DIR", backups.toString());
    try (Stream<Path> dirs = Files.list(backups)) { // the newest finished backup, for $BACKUP_ID
      dirs.filter(d -> Files.exists(d.resolve("manifest.json"))).map(d -> d.getFileName().toString()).sorted()
          .reduce((a, b) -> b).ifPresent(id -> env.put("BACKUP_ID", id));
    }
    Path output = Files.createTempFile(cluster.dir, "runbook-command", ".out");
    pb.redirectErrorStream(true);
    pb.redirectOutput(output.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.directory(cluster.dir.toFile());
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      return new Result(-1, "did not end within 120 s");
    }
    String text = Files.readString(output);
    return new Result(p.exitValue(), text.length() > 4000 ? text.substring(0, 4000) + "..." : text);
  }
}
