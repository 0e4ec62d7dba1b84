package dev.reach.shared.tls;

import dev.reach.shared.config.ConfigException;
import dev.reach.shared.config.TlsSettings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.TrustOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Vert.x's TLS options for {@link TlsSettings}: mutual TLS on the event bus (this member's identity,
 * the CA it trusts, client certificates required) and HTTPS on an HTTP server.
 *
 * <p>Vert.x's clustered event bus does not check host names (its client turns hostname verification
 * off), so any certificate that chains to the configured CA is a member: the CA must sign only members.
 */
public final class TlsOptions {
  private TlsOptions() {}

  /** {@code eb} with mutual TLS when {@code tls.eventBusTls()}, else {@code eb} unchanged. */
  public static EventBusOptions eventBus(EventBusOptions eb, TlsSettings tls) {
    if (!tls.eventBusTls()) {
      return eb;
    }
    return eb.setSsl(true)
        .setClientAuth(ClientAuth.REQUIRED)
        .setTrustAll(false)
        .setKeyCertOptions(identity(tls))
        .setTrustOptions(trust(tls));
  }

  /** {@code server} serving HTTPS with the hub's certificate when {@code tls.httpTls()}, else unchanged. */
  public static HttpServerOptions httpServer(HttpServerOptions server, TlsSettings tls) {
    if (!tls.httpTls()) {
      return server;
    }
    return server.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(tls.httpCertFile().toString())
        .setKeyPath(tls.httpKeyFile().toString()));
  }

  /**
   * Loads this member's key and certificate and its trust as the event bus will, so a file that is not
   * what it should be (not PEM, a wrong password) stops the start with a {@link ConfigException} naming
   * the variable. Needed because a clustered Vert.x whose event-bus server cannot load them logs the
   * failure and never completes its start. Blocking: call before the cluster starts, not on an event loop.
   */
  public static void checkEventBus(TlsSettings tls) {
    if (!tls.eventBusTls()) {
      return;
    }
    List<String> problems = new ArrayList<>();
    Vertx probe = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    try {
      try {
        identity(tls).getKeyManagerFactory(probe);
      } catch (Exception e) {
        problems.add((tls.keystoreFile() != null ? "REACH_TLS_KEYSTORE=" + tls.keystoreFile()
            : "REACH_TLS_CERT=" + tls.certFile() + " / REACH_TLS_KEY=" + tls.keyFile())
            + ": cannot load this member's key and certificate (" + describe(e) + ")");
      }
      try {
        trust(tls).getTrustManagerFactory(probe);
      } catch (Exception e) {
        problems.add((tls.truststoreFile() != null ? "REACH_TLS_TRUSTSTORE=" + tls.truststoreFile()
            : "REACH_TLS_CA=" + tls.caFile()) + ": cannot load the trusted CA certificates (" + describe(e) + ")");
      }
    } finally {
      probe.close();
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return root.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  private static KeyCertOptions identity(TlsSettings tls) {
    if (tls.keystoreFile() != null) {
      // PfxOptions, not KeyStoreOptions: the event bus copies its options through JSON, where a generic
      // KeyStoreOptions does not survive (the server then fails with "Key/certificate is mandatory for SSL")
      return new PfxOptions().setPath(tls.keystoreFile().toString()).setPassword(tls.keystorePassword());
    }
    return new PemKeyCertOptions().setCertPath(tls.certFile().toString()).setKeyPath(tls.keyFile().toString());
  }

  private static TrustOptions trust(TlsSettings tls) {
    if (tls.truststoreFile() != null) {
      return new PfxOptions().setPath(tls.truststoreFile().toString()).setPassword(tls.truststorePassword());
    }
    return new PemTrustOptions().addCertPath(tls.caFile().toString());
  }
}
