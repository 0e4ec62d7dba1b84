package dev.reach.cli.drill;

import dev.reach.cli.ApiClient;
import dev.reach.cli.ApiOptions;
import dev.reach.cli.Cli;
import dev.reach.cli.CliException;
import dev.reach.cli.ExitCodes;
import dev.reach.cli.JsonOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code reachctl drill run SCENARIO [--jobs N] [--target compose|local] [--json]}: one failover drill
 * against a live cluster (see {@link DrillRunner}); progress on stderr, the report on stdout, exit 0 when
 * it passed and 1 when it failed.
 */
@Command(name = "run", description = "Run a failover drill against a live cluster and print its report.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the drill passed", "1:the drill failed (the report says why), or it could not run",
        "2:bad usage", "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class DrillRunCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "SCENARIO", description = "The scenario (reachctl drill list).")
  String scenario;

  @Option(names = "--jobs", paramLabel = "N", description = "Drill jobs to submit (default ${DEFAULT-VALUE}).",
      defaultValue = "24")
  int jobs;

  @Option(names = "--target", paramLabel = "compose|local",
      description = "Where to inject faults: a compose project's containers, or local processes (default ${DEFAULT-VALUE}).",
      defaultValue = "compose")
  String target;

  @Option(names = "--project", paramLabel = "NAME",
      description = "The compose project (default: $COMPOSE_PROJECT_NAME, else the one project running Reach).")
  String project;

  @Option(names = "--fault-seconds", paramLabel = "S",
      description = "How long an outage, pause or network cut lasts (default ${DEFAULT-VALUE}).", defaultValue = "20")
  int faultSeconds;

  @Option(names = "--timeout-seconds", paramLabel = "S",
      description = "How long recovery may take before the drill fails (default ${DEFAULT-VALUE}).", defaultValue = "300")
  int timeoutSeconds;

  @Option(names = "--job-dir", paramLabel = "DIR",
      description = "Local target: the directory drill jobs lock and stamp in (default: <tmp>/reach-drill).")
  Path jobDir;

  @Option(names = "--stop-grace-seconds", paramLabel = "S",
      description = "Compose rolling-restart: how long a container may drain before SIGKILL (default ${DEFAULT-VALUE}).",
      defaultValue = "45")
  int stopGrace;

  @Option(names = "--docker", paramLabel = "PATH", description = "The docker command (default ${DEFAULT-VALUE}).",
      defaultValue = "docker")
  String docker;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the jobs' durations (default: random).")
  Long seed;

  @Option(names = "--db-url", paramLabel = "URL",
      description = "db-restore: the Reach database to back up, drop and restore (default: $REACH_DB_URL).")
  String dbUrl;

  @Option(names = "--backup-dir", paramLabel = "DIR",
      description = "db-restore: where the drill's backup goes (default: $REACH_BACKUP_DIR, else <tmp>/reach-drill-backups).")
  Path backupDir;

  @Mixin JsonOption output;

  @Mixin ApiOptions api;


  public DrillRunCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws InterruptedException {
    Scenario s = Scenario.of(scenario);
    if (s == null) {
      throw usage("unknown scenario '" + scenario + "'; one of "
          + Arrays.stream(Scenario.values()).map(Scenario::label).toList());
    }
    Target t;
    try {
      t = Target.of(target);
    } catch (IllegalArgumentException e) {
      throw usage("--target must be compose or local, not '" + target + "'");
    }
    if (!s.targets().contains(t)) {
      throw usage("scenario " + s.label() + " cannot run on target " + t.label() + " (it can on: "
          + s.targets().stream().map(Target::label).toList() + ")");
    }
    if (jobs < 1 || jobs > 1000) {
      throw usage("--jobs must be 1 to 1000");
    }
    if (faultSeconds < 1 || faultSeconds > 3600) {
      throw usage("--fault-seconds must be 1 to 3600");
    }
    if (timeoutSeconds < 10 || timeoutSeconds > 86_400) {
      throw usage("--timeout-seconds must be 10 to 86400");
    }
    if (stopGrace < 0 || stopGrace > 3600) {
      throw usage("--stop-grace-seconds must be 0 to 3600");
    }
    Map<String, String> admin = api.adminHeaders(cli);
    ApiClient client = api.client(cli);
    try {
      FaultInjector faults;
      if (t == Target.COMPOSE) {
        String p = project != null ? project : cli.env().get("COMPOSE_PROJECT_NAME");
        faults = ComposeFaults.open(docker, p, stopGrace);
      } else {
        HubClient hub = new HubClient(client, admin);
        Path dir = jobDir != null ? jobDir : Path.of(System.getProperty("java.io.tmpdir"), "reach-drill");
        faults = new LocalFaults(hub::systemStatus, dir.toAbsolutePath());
      }
      DrillRunner runner = new DrillRunner(client, admin, faults, t, cli.err());
      if (s == Scenario.DB_RESTORE) {
        String u = dbUrl != null ? dbUrl : cli.env().get("REACH_DB_URL");
        if (u == null) {
          throw usage("db-restore needs the database: pass --db-url or set REACH_DB_URL");
        }
        dev.reach.shared.config.DbUrl url;
        try {
          url = dev.reach.shared.config.DbUrl.parse(u);
        } catch (IllegalArgumentException e) {
          throw usage("--db-url: " + e.getMessage());
        }
        String envDir = cli.env().get("REACH_BACKUP_DIR");
        Path dir = backupDir != null ? backupDir : envDir != null && !envDir.isBlank() ? Path.of(envDir)
            : Path.of(System.getProperty("java.io.tmpdir"), "reach-drill-backups");
        runner.withDatabase(new DrillRunner.Database(url, dir.toAbsolutePath(), dev.reach.cli.backup.PgTools.from(cli.env())));
      }
      DrillReport report = runner.run(new DrillRunner.Settings(s, jobs, Duration.ofSeconds(faultSeconds),
          Duration.ofSeconds(timeoutSeconds), seed != null ? seed : System.nanoTime()));
      cli.out().print(output.on() ? report.toJson().encodePrettily() + System.lineSeparator() : report.describe());
      cli.out().flush();
      return report.passed() ? ExitCodes.OK : ExitCodes.FAILED;
    } catch (DrillException e) {
      throw new CliException(ExitCodes.FAILED, "drill " + s.label() + " could not run: " + e.getMessage(), e);
    }
  }

  private static CliException usage(String message) {
    return new CliException(ExitCodes.USAGE, message);
  }
}
