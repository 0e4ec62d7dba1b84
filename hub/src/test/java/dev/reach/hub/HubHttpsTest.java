package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reach.shared.tls.DevCertificates;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub with {@code REACH_HTTP_TLS_CERT}/{@code REACH_HTTP_TLS_KEY} from a development CA: it answers
 * over HTTPS to a client trusting that CA (host name checked), and a plain-HTTP request or a client
 * trusting another CA gets no answer.
 */
class HubHttpsTest {
  @TempDir Path dir;
  private HubFixture hub;

  @BeforeEach
  void start() {
    DevCertificates.authority().write(dir.resolve("ca"), List.of("hub"));
    DevCertificates.authority().write(dir.resolve("other"), List.of("x"));
    hub = HubFixture.start(Map.of(
        "REACH_HTTP_TLS_CERT", dir.resolve("ca/hub.crt").toString(),
        "REACH_HTTP_TLS_KEY", dir.resolve("ca/hub.key").toString()));
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private int status(HttpClient client, String host) {
    return HubFixture.await(client.request(HttpMethod.GET, hub.hub.httpPort(), host, "/health/live")
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode()))));
  }

  private HttpClient tlsClient(Path ca) {
    return hub.vertx.createHttpClient(new HttpClientOptions().setSsl(true).setVerifyHost(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
  }

  @Test
  void answersOverHttpsWithTheDevCasCertificate() {
    HttpClient client = tlsClient(dir.resolve("ca/ca.crt"));
    assertThat(status(client, "localhost")).isEqualTo(200);
    assertThat(status(client, "127.0.0.1")).isEqualTo(200);
  }

  @Test
  void plainHttpAndAnotherCaGetNoAnswer() {
    assertThatThrownBy(() -> status(hub.client, "127.0.0.1")).as("plain HTTP to the HTTPS port: the connection is closed (not a timeout)")
        .isNotInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> status(tlsClient(dir.resolve("other/ca.crt")), "localhost"))
        .as("a client that trusts another CA").hasStackTraceContaining("SSL");
  }
}
