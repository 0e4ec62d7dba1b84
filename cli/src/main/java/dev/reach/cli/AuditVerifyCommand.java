package dev.reach.cli;

import dev.reach.shared.audit.ChainVerifier;
import dev.reach.shared.audit.VerifyReport;
import dev.reach.shared.audit.Violation;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code reachctl audit verify LOG}: checks an export line by line (constant memory): every hash and
 * link, position and seq continuity, the end line, and the job lifecycle replayed. Prints a short
 * report on stdout; exit 0 when every rule holds, 1 with the first violation (line, event, rule).
 */
@Command(
    name = "verify",
    description = "Check an export of the event log: each hash and link, continuity, the end line, and the job lifecycle replayed.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every rule holds", "1:a violation (the first is printed)", "2:bad usage or unreadable file"},
    mixinStandardHelpOptions = true)
public final class AuditVerifyCommand implements Callable<Integer> {
  private final Cli cli;

  @Parameters(index = "0", paramLabel = "LOG", description = "The export (JSON lines), or - for stdin.")
  String log;

  @Mixin JsonOption output;

  public AuditVerifyCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    VerifyReport report;
    try (BufferedReader in = new BufferedReader(open(), 64 * 1024)) {
      report = verify(in);
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCodes.USAGE, "no such file: " + log);
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, "cannot read " + log + ": " + Futures.describe(e), e);
    }
    cli.out().print(output.on() ? toJson(report).encodePrettily() + System.lineSeparator() : report.describe());
    cli.out().flush();
    return report.ok() ? ExitCodes.OK : ExitCodes.FAILED;
  }

  /** Checks an export read line by line (constant memory); shared by {@code reachctl demo}. */
  static VerifyReport verify(BufferedReader in) throws IOException {
    ChainVerifier verifier = new ChainVerifier();
    String line;
    while ((line = in.readLine()) != null && verifier.line(line)) {
      // each line checked as it is read
    }
    return verifier.finish();
  }

  /**
   * {@code --json}: {@code {"ok", "events", "sealed", "first_pos", "last_pos", "first_sealed_seq", "last_sealed_seq",
   * "unsealed", "first_unsealed_seq", "last_unsealed_seq", "run", "jobs", "replayed", "not_replayed", "violation":
   * null or {"line", "seq", "type", "rule", "message"}, "text"}} (text: what the command prints without --json).
   */
  static JsonObject toJson(VerifyReport r) {
    JsonObject o = new JsonObject().put("ok", r.ok()).put("events", r.events()).put("sealed", r.sealed())
        .put("first_pos", r.firstPos()).put("last_pos", r.lastPos())
        .put("first_sealed_seq", r.firstSealedSeq()).put("last_sealed_seq", r.lastSealedSeq())
        .put("unsealed", r.unsealed()).put("first_unsealed_seq", r.firstUnsealedSeq())
        .put("last_unsealed_seq", r.lastUnsealedSeq()).put("run", r.runFilter()).put("jobs", r.jobs())
        .put("replayed", r.replayed()).put("not_replayed", r.notReplayed());
    Violation v = r.violation();
    o.put("violation", v == null ? null : new JsonObject().put("line", v.line()).put("seq", v.seq()).put("type", v.type())
        .put("rule", v.rule()).put("message", v.message()));
    return o.put("text", r.describe());
  }

  private Reader open() throws IOException {
    if ("-".equals(log)) {
      return new InputStreamReader(cli.in(), StandardCharsets.UTF_8);
    }
    return Files.newBufferedReader(Path.of(log), StandardCharsets.UTF_8);
  }
}
