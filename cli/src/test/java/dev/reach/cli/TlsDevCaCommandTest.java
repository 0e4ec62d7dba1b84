package dev.reach.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reachctl tls dev-ca}: the CA and member files exist, keys are 0600, each member certificate
 * chains to the CA (PKIX, and {@code openssl verify}) with its name, localhost and 127.0.0.1 as SANs and
 * both TLS usages; a second run keeps the CA; nothing is overwritten; openssl missing is a clear error.
 */
class TlsDevCaCommandTest {
  private static final Map<String, String> ENV = Map.of("PATH", System.getenv("PATH"));

  @TempDir Path dir;

  @Test
  void writesACaAndMemberCertificatesThatVerifyAgainstIt() throws Exception {
    Path out = dir.resolve("certs");
    CliHarness h = new CliHarness().env(ENV);
    int code = h.run("tls", "dev-ca", "--out", out.toString(), "--member", "hub", "--member", "orchestrator-1",
        "--member", "10.0.0.7");
    assertThat(code).as(h.err()).isZero();
    assertThat(h.out()).contains("CA written: " + out.resolve("ca.crt"));

    for (String f : List.of("ca.key", "hub.key", "orchestrator-1.key", "10.0.0.7.key")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(f)))).as(f).isEqualTo("rw-------");
    }
    X509Certificate ca = certificate(out.resolve("ca.crt"));
    assertThat(ca.getBasicConstraints()).as("a CA certificate").isGreaterThanOrEqualTo(0);

    X509Certificate hub = certificate(out.resolve("hub.crt"));
    validate(hub, ca);
    assertThat(sans(hub)).containsExactly("2:hub", "2:localhost", "7:127.0.0.1");
    assertThat(hub.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"); // serverAuth, clientAuth
    assertThat(hub.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(sans(certificate(out.resolve("10.0.0.7.crt")))).containsExactly("7:10.0.0.7", "2:localhost", "7:127.0.0.1");
    validate(certificate(out.resolve("orchestrator-1.crt")), ca);
    assertThat(openssl("verify", "-CAfile", out.resolve("ca.crt").toString(), out.resolve("orchestrator-1.crt").toString()))
        .contains("OK");
    assertThat(openssl("pkey", "-in", out.resolve("hub.key").toString(), "-noout", "-check")).containsIgnoringCase("valid");
  }

  @Test
  void aSecondRunKeepsTheCaAndNeverOverwritesAMember() throws Exception {
    Path out = dir.resolve("certs");
    assertThat(new CliHarness().env(ENV).run("tls", "dev-ca", "--out", out.toString(), "--member", "a")).isZero();
    byte[] caBefore = Files.readAllBytes(out.resolve("ca.crt"));
    byte[] aKeyBefore = Files.readAllBytes(out.resolve("a.key"));

    CliHarness again = new CliHarness().env(ENV);
    assertThat(again.run("tls", "dev-ca", "--out", out.toString(), "--member", "b")).as(again.err()).isZero();
    assertThat(again.out()).contains("CA kept: ");
    assertThat(Files.readAllBytes(out.resolve("ca.crt"))).isEqualTo(caBefore);
    validate(certificate(out.resolve("b.crt")), certificate(out.resolve("ca.crt")));

    CliHarness clash = new CliHarness().env(ENV);
    assertThat(clash.run("tls", "dev-ca", "--out", out.toString(), "--member", "a")).isEqualTo(ExitCodes.FAILED);
    assertThat(clash.err()).contains(out.resolve("a.crt") + " already exists");
    assertThat(Files.readAllBytes(out.resolve("a.key"))).isEqualTo(aKeyBefore);
  }

  @Test
  void withoutOpensslTheErrorSaysSoAndNothingIsWritten() {
    Path out = dir.resolve("certs");
    CliHarness h = new CliHarness().env(Map.of("PATH", dir.resolve("no-bin").toString()));
    assertThat(h.run("tls", "dev-ca", "--out", out.toString(), "--member", "a")).isEqualTo(ExitCodes.FAILED);
    assertThat(h.err()).contains("the openssl program is not on PATH");
    assertThat(out).doesNotExist();
  }

  @Test
  void aBadMemberNameIsAUsageError() {
    CliHarness h = new CliHarness().env(ENV);
    assertThat(h.run("tls", "dev-ca", "--out", dir.toString(), "--member", "bad name")).isEqualTo(ExitCodes.USAGE);
    assertThat(h.err()).contains("--member bad name");
    assertThat(dir.resolve("ca.crt")).doesNotExist();
  }

  static X509Certificate certificate(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static void validate(X509Certificate cert, X509Certificate ca) throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(List.of(cert)), params); // throws when it does not chain
  }

  private static List<String> sans(X509Certificate cert) throws Exception {
    List<String> out = new ArrayList<>();
    for (List<?> san : cert.getSubjectAlternativeNames()) {
      out.add(san.get(0) + ":" + san.get(1));
    }
    return out;
  }

  private static String openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }
}
