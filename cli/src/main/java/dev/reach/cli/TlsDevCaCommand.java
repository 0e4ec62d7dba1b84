package dev.reach.cli;

import dev.reach.shared.tls.DevCaException;
import dev.reach.shared.tls.DevCertificateAuthority;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code reachctl tls dev-ca --out DIR --member NAME...}: a development CA ({@code ca.crt},
 * {@code ca.key}) and a certificate and key per member ({@code NAME.crt}, {@code NAME.key}; SANs the
 * name, {@code localhost}, {@code 127.0.0.1}), PEM, keys {@code 0600}, made with {@code openssl} from
 * {@code PATH}. A directory that already has a CA keeps it and only gets the new members.
 */
@Command(
    name = "dev-ca",
    description = {
      "Write a development CA and a certificate and key per member (PEM, keys 0600), for event-bus mutual TLS "
          + "(REACH_TLS_CERT, REACH_TLS_KEY, REACH_TLS_CA) and the hub's HTTPS (REACH_HTTP_TLS_CERT, REACH_HTTP_TLS_KEY).",
      "Runs openssl (found on PATH). A directory that already holds ca.crt and ca.key keeps that CA."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:written", "1:openssl missing or failing, or a file already there", "2:bad usage"},
    mixinStandardHelpOptions = true)
public final class TlsDevCaCommand implements Callable<Integer> {
  private final Cli cli;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the files (created if missing).")
  Path out;

  @Option(names = "--member", required = true, paramLabel = "NAME",
      description = "A member's host name or IPv4 address (REACH_CLUSTER_PUBLIC_HOST); repeat for each member.")
  List<String> members;

  @Option(names = "--days", paramLabel = "N", defaultValue = "365", description = "Validity in days (default ${DEFAULT-VALUE}).")
  int days;

  @Mixin JsonOption output;

  public TlsDevCaCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    for (String m : members) {
      DevCertificateAuthority.invalidMemberName(m).ifPresent(why -> {
        throw new CliException(ExitCodes.USAGE, "--member " + m + ": " + why);
      });
    }
    if (days < 1 || days > 3650) {
      throw new CliException(ExitCodes.USAGE, "--days " + days + ": must be between 1 and 3650");
    }
    Path openssl = DevCertificateAuthority.findOpenssl(cli.env().get("PATH")).orElseThrow(() -> new CliException(
        ExitCodes.FAILED, "reachctl tls dev-ca: the openssl program is not on PATH; install it (Debian: apt-get install openssl)"
            + " or follow the openssl steps in the README's \"Transport security\" section"));
    DevCertificateAuthority.Written w;
    try {
      w = new DevCertificateAuthority(openssl, days).write(out, members);
    } catch (DevCaException e) {
      throw new CliException(ExitCodes.FAILED, "reachctl tls dev-ca: " + e.getMessage(), e);
    }
    if (output.on()) {
      JsonArray ms = new JsonArray();
      for (DevCertificateAuthority.Member m : w.members()) {
        ms.add(new JsonObject().put("name", m.name()).put("cert", m.cert().toString()).put("key", m.key().toString()));
      }
      JsonOption.print(cli.out(), new JsonObject().put("ca_cert", w.caCert().toString()).put("ca_key", w.caKey().toString())
          .put("ca_created", w.caCreated()).put("members", ms));
      return ExitCodes.OK;
    }
    cli.out().println((w.caCreated() ? "CA written: " : "CA kept: ") + w.caCert() + " (key " + w.caKey() + ")");
    for (DevCertificateAuthority.Member m : w.members()) {
      cli.out().println("member " + m.name() + ": " + m.cert() + " (key " + m.key() + ")");
    }
    cli.out().println("event bus: REACH_TLS_CERT=<member>.crt REACH_TLS_KEY=<member>.key REACH_TLS_CA=" + w.caCert());
    cli.out().println("hub HTTPS: REACH_HTTP_TLS_CERT=<member>.crt REACH_HTTP_TLS_KEY=<member>.key;"
        + " reachctl: --ca-cert " + w.caCert() + " (or REACH_CA_CERT)");
    cli.out().flush();
    return ExitCodes.OK;
  }
}
