package dev.reach.shared.tls;

import dev.reach.shared.config.TlsSettings;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.KeyStoreOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;

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

  private static KeyCertOptions identity(TlsSettings tls) {
    if (tls.keystoreFile() != null) {
      return new KeyStoreOptions().setType("PKCS12").setPath(tls.keystoreFile().toString())
          .setPassword(tls.keystorePassword());
    }
    return new PemKeyCertOptions().setCertPath(tls.certFile().toString()).setKeyPath(tls.keyFile().toString());
  }

  private static TrustOptions trust(TlsSettings tls) {
    if (tls.truststoreFile() != null) {
      return new KeyStoreOptions().setType("PKCS12").setPath(tls.truststoreFile().toString())
          .setPassword(tls.truststorePassword());
    }
    return new PemTrustOptions().addCertPath(tls.caFile().toString());
  }
}
