package dev.reach.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An {@link SSLContext} that trusts exactly the CA certificates of a PEM file (a development CA's
 * {@code ca.crt}), for an {@code https://} hub whose certificate no public CA signed. Host names are
 * still checked by the HTTP client.
 */
final class CaTrust {
  private CaTrust() {}

  /** {@code source} names where the file came from in messages ({@code --ca-cert} or {@code REACH_CA_CERT}). */
  static SSLContext sslContext(Path caFile, String source) {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(caFile)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCodes.USAGE, source + " " + caFile + ": no such file");
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, source + " " + caFile + ": cannot read it (" + Futures.describe(e) + ")");
    } catch (GeneralSecurityException e) {
      throw new CliException(ExitCodes.USAGE, source + " " + caFile + ": not a PEM certificate (" + e.getMessage() + ")");
    }
    if (certs.isEmpty()) {
      throw new CliException(ExitCodes.USAGE, source + " " + caFile + ": holds no certificate");
    }
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        trust.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context from " + caFile, e);
    }
  }
}
