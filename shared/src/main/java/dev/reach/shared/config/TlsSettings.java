package dev.reach.shared.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Transport security: mutual TLS on the event bus between cluster members ({@code REACH_TLS_*}) and
 * HTTPS for the hub ({@code REACH_HTTP_TLS_*}). Both are off unless configured.
 *
 * <p>Event bus: a member's identity is a PEM certificate and key ({@code REACH_TLS_CERT},
 * {@code REACH_TLS_KEY}) or a PKCS#12 keystore ({@code REACH_TLS_KEYSTORE}, with
 * {@code REACH_TLS_KEYSTORE_PASSWORD}); the members it accepts are those whose certificate chains to
 * the PEM CA certificates in {@code REACH_TLS_CA} or to a PKCS#12 truststore ({@code REACH_TLS_TRUSTSTORE},
 * with {@code REACH_TLS_TRUSTSTORE_PASSWORD}). Setting any of them turns event-bus TLS on and then an
 * identity and a trust are both required. Every file must exist and be readable at start; a half
 * configuration stops the service with a message naming the variable that is missing.
 *
 * <p>Null paths mean "not configured"; {@link #eventBusTls()} and {@link #httpTls()} say what is on.
 */
public record TlsSettings(
    Path certFile,
    Path keyFile,
    Path keystoreFile,
    String keystorePassword,
    Path caFile,
    Path truststoreFile,
    String truststorePassword,
    Path httpCertFile,
    Path httpKeyFile) {

  /** Nothing configured: plain event bus, plain HTTP. */
  public static final TlsSettings OFF = new TlsSettings(null, null, null, null, null, null, null, null, null);

  public static TlsSettings from(EnvReader r) {
    Path cert = file(r, "REACH_TLS_CERT");
    Path key = file(r, "REACH_TLS_KEY");
    Path keystore = file(r, "REACH_TLS_KEYSTORE");
    String keystorePassword = r.string("REACH_TLS_KEYSTORE_PASSWORD", null);
    Path ca = file(r, "REACH_TLS_CA");
    Path truststore = file(r, "REACH_TLS_TRUSTSTORE");
    String truststorePassword = r.string("REACH_TLS_TRUSTSTORE_PASSWORD", null);
    Path httpCert = file(r, "REACH_HTTP_TLS_CERT");
    Path httpKey = file(r, "REACH_HTTP_TLS_KEY");

    pair(r, "REACH_TLS_CERT", cert, "REACH_TLS_KEY", key);
    exclusive(r, "REACH_TLS_KEYSTORE", keystore, "REACH_TLS_CERT", cert, "REACH_TLS_KEY", key);
    exclusive(r, "REACH_TLS_TRUSTSTORE", truststore, "REACH_TLS_CA", ca, null, null);
    if (keystorePassword != null && keystore == null) {
      r.problem("REACH_TLS_KEYSTORE_PASSWORD is set but REACH_TLS_KEYSTORE is not");
    }
    if (truststorePassword != null && truststore == null) {
      r.problem("REACH_TLS_TRUSTSTORE_PASSWORD is set but REACH_TLS_TRUSTSTORE is not");
    }
    boolean identity = cert != null || key != null || keystore != null;
    boolean trust = ca != null || truststore != null;
    if (identity && !trust) {
      r.problem("REACH_TLS_CA (or REACH_TLS_TRUSTSTORE) must be set when " + (keystore != null ? "REACH_TLS_KEYSTORE"
          : cert != null ? "REACH_TLS_CERT" : "REACH_TLS_KEY") + " is: event-bus TLS needs the CA that members' certificates are checked against");
    }
    if (trust && !identity) {
      r.problem("REACH_TLS_CERT and REACH_TLS_KEY (or REACH_TLS_KEYSTORE) must be set when "
          + (ca != null ? "REACH_TLS_CA" : "REACH_TLS_TRUSTSTORE") + " is: event-bus TLS needs this member's own certificate");
    }
    pair(r, "REACH_HTTP_TLS_CERT", httpCert, "REACH_HTTP_TLS_KEY", httpKey);
    return new TlsSettings(cert, key, keystore, keystorePassword, ca, truststore, truststorePassword, httpCert, httpKey);
  }

  /** Mutual TLS on the event bus: this member has an identity and a trust (validated together by {@link #from}). */
  public boolean eventBusTls() {
    return (certFile != null || keystoreFile != null) && (caFile != null || truststoreFile != null);
  }

  /** The hub serves HTTPS. */
  public boolean httpTls() {
    return httpCertFile != null && httpKeyFile != null;
  }

  /** Without the passwords. */
  @Override
  public String toString() {
    return "TlsSettings[eventBusTls=" + eventBusTls() + ", cert=" + certFile + ", key=" + keyFile + ", keystore="
        + keystoreFile + ", ca=" + caFile + ", truststore=" + truststoreFile + ", httpTls=" + httpTls() + ", httpCert="
        + httpCertFile + ", httpKey=" + httpKeyFile + "]";
  }

  /** A file path that must exist and be readable when set. */
  private static Path file(EnvReader r, String name) {
    String v = r.string(name, null);
    if (v == null) {
      return null;
    }
    Path p = Path.of(v);
    if (!Files.exists(p)) {
      r.problem(name + "=" + v + ": no such file");
    } else if (!Files.isRegularFile(p)) {
      r.problem(name + "=" + v + ": not a regular file");
    } else if (!Files.isReadable(p)) {
      r.problem(name + "=" + v + ": not readable by this process");
    }
    return p;
  }

  private static void pair(EnvReader r, String aName, Path a, String bName, Path b) {
    if (a != null && b == null) {
      r.problem(bName + " must be set when " + aName + " is");
    } else if (b != null && a == null) {
      r.problem(aName + " must be set when " + bName + " is");
    }
  }

  private static void exclusive(EnvReader r, String name, Path p, String otherName, Path other, String thirdName, Path third) {
    if (p != null && other != null) {
      r.problem(name + " and " + otherName + " are both set: use one of them");
    }
    if (p != null && third != null) {
      r.problem(name + " and " + thirdName + " are both set: use one of them");
    }
  }
}
