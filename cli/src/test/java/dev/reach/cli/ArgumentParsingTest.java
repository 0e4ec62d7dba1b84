package dev.reach.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class ArgumentParsingTest {
  private final CliHarness h = new CliHarness();

  private <T> T parse(Class<T> type, String... args) {
    CommandLine.ParseResult pr = ReachCtl.commandLine(h.cli()).parseArgs(args);
    assertThat(pr.hasSubcommand()).isTrue();
    return type.cast(pr.subcommand().commandSpec().userObject());
  }

  @Test
  void helpListsEveryCommandAndExitCodes() {
    assertThat(h.run("--help")).isEqualTo(0);
    assertThat(h.out()).contains("dev", "service", "submit", "status", "logs", "cancel", "runners", "dead-letters", "Exit codes",
        "the Reach hub cannot be reached");
  }

  @Test
  void noCommandPrintsUsageAndExits2() {
    assertThat(h.run()).isEqualTo(2);
    assertThat(h.err()).contains("Usage: reachctl");
  }

  @Test
  void unknownCommandExits2() {
    assertThat(h.run("frobnicate")).isEqualTo(2);
    assertThat(h.err()).contains("frobnicate");
  }

  @Test
  void versionIsPrinted() {
    assertThat(h.run("--version")).isEqualTo(0);
    assertThat(h.out()).startsWith("reachctl ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "service", "submit", "status", "logs", "cancel", "runners", "dead-letters",
      "dead-letters list", "dead-letters show", "dead-letters requeue"})
  void everyCommandHasHelp(String command) {
    String[] args = (command + " --help").split(" ");
    assertThat(h.run(args)).isEqualTo(0);
    assertThat(h.out()).contains("Usage: reachctl " + command);
  }

  @Test
  void helpSubcommandWorks() {
    assertThat(h.run("help", "status")).isEqualTo(0);
    assertThat(h.out()).contains("--wait", "--api", "--json", "RUN_ID");
  }

  @Test
  void devDefaults() {
    DevCommand d = parse(DevCommand.class, "dev");
    assertThat(d.port).isEqualTo(8080);
    assertThat(d.slots).isEqualTo(2);
    assertThat(d.runners).isEqualTo(2);
    assertThat(d.dataDir).isNull();
  }

  @Test
  void devOptions() {
    DevCommand d = parse(DevCommand.class, "dev", "--port", "18080", "--slots", "3", "--runners", "0", "--data-dir", "/tmp/x");
    assertThat(d.port).isEqualTo(18080);
    assertThat(d.slots).isEqualTo(3);
    assertThat(d.runners).isEqualTo(0);
    assertThat(d.dataDir).isEqualTo(Path.of("/tmp/x"));
  }

  @Test
  void devHelpShowsOptionsAndDefaults() {
    assertThat(h.run("dev", "--help")).isEqualTo(0);
    assertThat(h.out()).contains("--port", "--slots", "--runners", "--data-dir", "default: 8080");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--port=70000", "--port=-1", "--slots=0", "--runners=-1", "--runners=65", "--port=x"})
  void devRejectsOutOfRangeValues(String option) {
    assertThat(h.run("dev", option)).isEqualTo(2);
    assertThat(h.err()).contains(option.substring(0, option.indexOf('='))).contains("Usage: reachctl dev");
  }

  @Test
  void serviceNames() {
    assertThat(parse(ServiceCommand.class, "service", "orchestrator").kind).isEqualTo(ServiceKind.ORCHESTRATOR);
    assertThat(parse(ServiceCommand.class, "service", "runner").kind).isEqualTo(ServiceKind.RUNNER);
    assertThat(parse(ServiceCommand.class, "service", "hub").kind).isEqualTo(ServiceKind.HUB);
    assertThat(parse(ServiceCommand.class, "service", "artifact-store").kind).isEqualTo(ServiceKind.ARTIFACT_STORE);
  }

  @Test
  void serviceDefaultPorts() {
    assertThat(ServiceKind.HUB.defaultHttpPort()).isEqualTo(8080);
    assertThat(ServiceKind.ARTIFACT_STORE.defaultHttpPort()).isEqualTo(8090);
    assertThat(ServiceKind.ORCHESTRATOR.defaultHttpPort()).isEqualTo(8091);
    assertThat(ServiceKind.RUNNER.defaultHttpPort()).isEqualTo(8092);
    assertThat(ServiceKind.ORCHESTRATOR.needsHealthServer()).isTrue();
    assertThat(ServiceKind.RUNNER.needsHealthServer()).isTrue();
    assertThat(ServiceKind.HUB.needsHealthServer()).isFalse();
    assertThat(ServiceKind.ARTIFACT_STORE.needsHealthServer()).isFalse();
  }

  @Test
  void serviceRejectsUnknownAndMissingNames() {
    assertThat(h.run("service", "database")).isEqualTo(2);
    assertThat(h.err()).contains("'database' is not a service", "orchestrator, runner, hub, artifact-store");
    assertThat(h.run("service")).isEqualTo(2);
    assertThat(h.err()).contains("NAME");
  }

  @Test
  void serviceHelpListsTheServices() {
    assertThat(h.run("service", "--help")).isEqualTo(0);
    assertThat(h.out()).contains("orchestrator, runner, hub, artifact-store", "8091", "8092", "8090");
  }

  @Test
  void submitOptions() {
    SubmitCommand s = parse(SubmitCommand.class, "submit", "run.json", "--api", "http://h:1", "--idempotency-key", "k-1", "--json");
    assertThat(s.file).isEqualTo("run.json");
    assertThat(s.idempotencyKey).isEqualTo("k-1");
    assertThat(s.output.on()).isTrue();
    assertThat(s.api.api).isEqualTo("http://h:1");
    assertThat(parse(SubmitCommand.class, "submit", "-").file).isEqualTo("-");
  }

  @Test
  void submitNeedsAFile() {
    assertThat(h.run("submit")).isEqualTo(2);
    assertThat(h.err()).contains("FILE");
  }

  @Test
  void statusOptions() {
    StatusCommand s = parse(StatusCommand.class, "status", "r-1", "--wait", "--json", "--timeout", "30");
    assertThat(s.runId).isEqualTo("r-1");
    assertThat(s.waitForEnd).isTrue();
    assertThat(s.output.on()).isTrue();
    assertThat(s.timeoutSeconds).isEqualTo(30);
    StatusCommand plain = parse(StatusCommand.class, "status", "r-1");
    assertThat(plain.waitForEnd).isFalse();
    assertThat(plain.timeoutSeconds).isZero();
    assertThat(h.run("status")).isEqualTo(2);
  }

  @Test
  void logsOptions() {
    LogsCommand l = parse(LogsCommand.class, "logs", "r-1", "build", "--attempt", "2", "-f");
    assertThat(l.runId).isEqualTo("r-1");
    assertThat(l.job).isEqualTo("build");
    assertThat(l.attempt).isEqualTo(2);
    assertThat(l.follow).isTrue();
    LogsCommand latest = parse(LogsCommand.class, "logs", "r-1", "build", "--follow");
    assertThat(latest.attempt).isNull();
    assertThat(latest.follow).isTrue();
    assertThat(h.run("logs", "r-1")).isEqualTo(2);
    assertThat(h.err()).contains("JOB");
  }

  @Test
  void cancelAndRunnersOptions() {
    assertThat(parse(CancelCommand.class, "cancel", "r-9").runId).isEqualTo("r-9");
    assertThat(parse(RunnersCommand.class, "runners", "--json").output.on()).isTrue();
    assertThat(h.run("cancel")).isEqualTo(2);
  }

  @Test
  void apiDefaultsToEnvThenLocalhost() {
    ApiOptions o = new ApiOptions();
    assertThat(o.resolve(new CliHarness().cli())).isEqualTo("http://localhost:8080");
    assertThat(o.resolve(new CliHarness().env(Map.of("REACH_API", "http://hub:9000")).cli())).isEqualTo("http://hub:9000");
    o.api = "http://other:1";
    assertThat(o.resolve(new CliHarness().env(Map.of("REACH_API", "http://hub:9000")).cli())).isEqualTo("http://other:1");
  }

  @Test
  void malformedApiUrlIsAUsageError() {
    assertThat(h.run("runners", "--api", "ftp://x")).isEqualTo(2);
    assertThat(h.err()).contains("--api ftp://x");
    assertThat(new CliHarness().env(Map.of("REACH_API", "nonsense")).run("runners")).isEqualTo(2);
  }

  @Test
  void pathSegmentsAreEncoded() {
    assertThat(ApiClient.segment("build-1.x_y~z")).isEqualTo("build-1.x_y~z");
    assertThat(ApiClient.segment("a b/c?d")).isEqualTo("a%20b%2Fc%3Fd");
  }
}
