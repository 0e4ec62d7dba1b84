package dev.reach.cli;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reachctl logs RUN_ID JOB}: streams an attempt's log to stdout. */
@Command(
    name = "logs",
    description = {"Print a job's log (its latest attempt unless --attempt); --follow keeps streaming until the attempt ends.",
        "--json: {\"run_id\", \"job\", \"attempt\" (null: the latest), \"log\"} once the log has been read (with --follow:"
            + " when the attempt has ended)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the log was printed", "1:API error", "2:bad usage", "3:the Reach hub cannot be reached"},
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

  @Mixin JsonOption output;

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
    // --json: the log is gathered (with --follow until the attempt ends), then printed as one object
    ByteArrayOutputStream gathered = output.on() ? new ByteArrayOutputStream() : null;
    try (InputStream in = client.stream(path.toString())) {
      byte[] buf = new byte[16 * 1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (gathered != null) {
          gathered.write(buf, 0, n);
        } else {
          cli.out().write(buf, 0, n);
          cli.out().flush();
        }
      }
    } catch (IOException e) {
      throw new CliException(ExitCodes.FAILED, "the log stream from " + client.base() + " broke off: " + Futures.describe(e), e);
    }
    if (gathered != null) {
      JsonOption.print(cli.out(), new JsonObject().put("run_id", runId).put("job", job).put("attempt", attempt)
          .put("log", gathered.toString(StandardCharsets.UTF_8)));
    }
    return ExitCodes.OK;
  }
}
