package dev.reach.cli;

import dev.reach.cli.logging.Logging;
import dev.reach.shared.config.ConfigException;
import dev.reach.shared.logging.Redactor;
import io.vertx.core.json.JsonObject;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code reachctl}: run Reach locally or one service per JVM, and talk to its API. */
@Command(
    name = "reachctl",
    mixinStandardHelpOptions = true,
    versionProvider = ReachCtl.Version.class,
    description = "Run Reach (local mode or one service per JVM) and talk to its API.",
    subcommands = {
      DevCommand.class,
      dev.reach.cli.bench.BenchCommand.class,
      ServiceCommand.class,
      SubmitCommand.class,
      StatusCommand.class,
      LogsCommand.class,
      CancelCommand.class,
      RunnersCommand.class,
      DeadLettersCommand.class,
      AdminCommand.class,
      DebugCommand.class,
      AuditCommand.class,
      SecretCommand.class,
      dev.reach.cli.drill.DrillCommand.class,
      DemoCommand.class,
      dev.reach.cli.token.TokenCommand.class,
      TlsCommand.class,
      CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failed: a run that ended FAILED or CANCELLED (submit --follow, status --wait), an error answer of the API,"
          + " a failed check, drill or start",
      "2:bad usage: an unknown option, a missing or invalid argument, an invalid REACH_* value",
      "3:the Reach hub cannot be reached (connection refused, unknown host, TLS failure, timeout)"},
    footerHeading = "%nOutput:%n",
    footer = {"Every command takes --json: JSON on stdout, errors as one JSON line on stderr"
        + " ({\"error\": {\"code\", \"message\", ..., \"exit_code\"}}); text for people goes to stderr."})
public final class ReachCtl implements Callable<Integer> {
  private static final Logger LOG = Logger.getLogger(ReachCtl.class.getName());

  @Spec CommandSpec spec;

  @Mixin JsonOption output;

  public static void main(String[] args) {
    // Spawn job watchers with vfork instead of through the jspawnhelper program: one exec less per
    // job (measured: job-process CPU 7.1 -> 5.8 ms per job in the benchmark). Must be set before
    // the first process is started; an explicit -D setting wins.
    if (System.getProperty("jdk.lang.Process.launchMechanism") == null) {
      System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
    }
    Logging.configure();
    int code = execute(args, Cli.process());
    if (ProcessStopSignal.jvmShuttingDown()) {
      return; // the JVM is already exiting (a shutdown hook asked the command to stop)
    }
    System.exit(code);
  }

  /** Runs {@code reachctl args} in this JVM with the given environment and streams; returns the exit code. */
  public static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return execute(args, new Cli(env, System.in, out, err, ProcessStopSignal::install));
  }

  public static int execute(String[] args, Cli cli) {
    return commandLine(cli).execute(args);
  }

  /** The picocli command tree, each command built with {@code cli}. */
  public static CommandLine commandLine(Cli cli) {
    CommandLine cl = new CommandLine(new ReachCtl(), new Factory(cli));
    cl.setOut(new PrintWriter(new OutputStreamWriter(cli.out(), StandardCharsets.UTF_8), true));
    cl.setErr(new PrintWriter(new OutputStreamWriter(cli.err(), StandardCharsets.UTF_8), true));
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> handle(e, commandLine));
    CommandLine.IParameterExceptionHandler plain = cl.getParameterExceptionHandler();
    cl.setParameterExceptionHandler((e, args) -> {
      if (!Arrays.asList(args).contains("--json")) {
        return plain.handleParseException(e, args);
      }
      // with --json a usage error is one JSON line on stderr too (before the command ran: the arguments say so)
      PrintWriter err = e.getCommandLine().getErr();
      err.println(ErrorJson.line(ErrorJson.error(ErrorJson.USAGE, e.getMessage(), ExitCodes.USAGE)));
      err.flush();
      return ExitCodes.USAGE;
    });
    return cl;
  }

  @Override
  public Integer call() {
    return Groups.usage(spec, output);
  }

  private static int handle(Exception e, CommandLine commandLine) {
    PrintWriter err = commandLine.getErr();
    CommandLine.ParseResult pr = commandLine.getParseResult();
    if (pr != null && pr.hasMatchedOption("--json")) {
      return handleJson(e, commandLine, err);
    }
    if (e instanceof ConfigException ce) {
      err.println("reachctl " + commandLine.getCommandName() + ": " + ce.getMessage());
      err.flush();
      return ExitCodes.USAGE;
    }
    if (e instanceof CommandLine.ParameterException pe) {
      err.println(pe.getMessage());
      pe.getCommandLine().usage(err);
      err.flush();
      return ExitCodes.USAGE;
    }
    if (e instanceof CliException ce) {
      err.println(Redactor.redact(ce.getMessage())); // may carry a failure's message: no credentials
      err.flush();
      return ce.exitCode();
    }
    LOG.log(Level.SEVERE, "reachctl " + commandLine.getCommandName() + " failed", e);
    err.println("reachctl " + commandLine.getCommandName() + ": " + Redactor.redact(Futures.describe(e)));
    err.flush();
    return ExitCodes.FAILED;
  }

  /** With {@code --json}: the error as one line on stderr in the error contract's shape ({@link ErrorJson}). */
  private static int handleJson(Exception e, CommandLine commandLine, PrintWriter err) {
    JsonObject error;
    if (e instanceof ConfigException ce) {
      error = ErrorJson.error(ErrorJson.USAGE, Redactor.redact(String.valueOf(ce.getMessage())), ExitCodes.USAGE);
    } else if (e instanceof CommandLine.ParameterException pe) {
      error = ErrorJson.error(ErrorJson.USAGE, pe.getMessage(), ExitCodes.USAGE);
    } else if (e instanceof CliException ce) {
      error = ce.toJson();
    } else {
      LOG.log(Level.SEVERE, "reachctl " + commandLine.getCommandName() + " failed", e);
      error = ErrorJson.error(ErrorJson.FAILED, "reachctl " + commandLine.getCommandName() + ": "
          + Redactor.redact(Futures.describe(e)), ExitCodes.FAILED);
    }
    err.println(ErrorJson.line(error));
    err.flush();
    return error.getInteger("exit_code", ExitCodes.FAILED);
  }

  /** Builds commands that take a {@link Cli}; everything else the picocli way. */
  static final class Factory implements CommandLine.IFactory {
    private final Cli cli;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    Factory(Cli cli) {
      this.cli = cli;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        Constructor<K> c = cls.getConstructor(Cli.class);
        return c.newInstance(cli);
      } catch (NoSuchMethodException e) {
        return fallback.create(cls);
      }
    }
  }

  /** {@code reachctl VERSION} from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ReachCtl.class.getPackage().getImplementationVersion();
      return new String[] {"reachctl " + (v == null ? "(development build)" : v) + ", Java " + System.getProperty("java.version")};
    }
  }
}
