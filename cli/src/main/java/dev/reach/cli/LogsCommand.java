package dev.reach.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reachctl logs RUN_ID JOB}: streams an attempt's log to stdout. */
@Command(
    name = "logs",
    description = "Print a job's log (its latest attempt unless --attempt); --follow keeps streaming until the attempt ends.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the log was printed", "1:API error", "2:bad usage", "3:cannot reach the API"},
    mixinStandardHelpOptions = true)
public final class LogsCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run's id.")
  String runId;

  @Parameters(index = "1", paramLabel = "JOB", description = "The job's name.")
  String job;

  @Option(names = "--attempt", paramLabel = "N", description = "Which attempt (1, 2, ...; default: the latest).")
  Integer attempt;

  @Option(names = {"-f", "--follow"}, description = "Keep streaming while the attempt runs.")
  boolean follow;

  @Mixin ApiOptions api;

  public LogsCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    if (attempt != null && attempt < 1) {
      throw new CliException(ExitCodes.USAGE, "--attempt must be 1 or more");
    }
    StringBuilder path = new StringBuilder("/api/v1/runs/").append(ApiClient.segment(runId))
        .append("/jobs/").append(ApiClient.segment(job)).append("/log");
    String sep = "?";
    if (attempt != null) {
      path.append(sep).append("attempt=").append(attempt);
      sep = "&";
    }
    if (follow) {
      path.append(sep).append("follow=true");
    }
    ApiClient client = api.client(cli);
    try (InputStream in = client.stream(path.toString())) {
      byte[] buf = new byte[16 * 1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        cli.out().write(buf, 0, n);
        cli.out().flush();
      }
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "the log stream from " + client.base() + " broke off: " + Futures.describe(e), e);
    }
    return ExitCodes.OK;
  }
}
