package dev.reach.shared.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test certificates: a {@link DevCertificateAuthority} on this machine's openssl, and PKCS#12 stores made from its PEM files. */
public final class DevCertificates {
  private DevCertificates() {}

  /** A development CA with the openssl on {@code PATH}; these tests need it (as {@code reachctl tls dev-ca} does). */
  public static DevCertificateAuthority authority() {
    Path openssl = DevCertificateAuthority.findOpenssl(System.getenv("PATH"))
        .orElseThrow(() -> new AssertionError("the openssl program is not on PATH: the TLS tests need it"));
    return new DevCertificateAuthority(openssl, 2);
  }

  /** A PKCS#12 keystore of {@code cert} and {@code key}, as {@code openssl pkcs12 -export} writes it (README). */
  public static Path pkcs12Keystore(Path cert, Path key, String password, Path out) throws IOException, InterruptedException {
    Path openssl = DevCertificateAuthority.findOpenssl(System.getenv("PATH")).orElseThrow();
    Process p = new ProcessBuilder(List.of(openssl.toString(), "pkcs12", "-export", "-in", cert.toString(),
        "-inkey", key.toString(), "-name", "member", "-out", out.toString(), "-passout", "pass:" + password))
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("openssl pkcs12 -export failed: " + output);
    }
    return out;
  }

  /** A PKCS#12 truststore holding the CA certificates of {@code caPem}, as {@code keytool -importcert} writes it (README). */
  public static Path pkcs12Truststore(Path caPem, String password, Path out) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
    }
    try (OutputStream o = Files.newOutputStream(out)) {
      ks.store(o, password.toCharArray());
    }
    return out;
  }
}
