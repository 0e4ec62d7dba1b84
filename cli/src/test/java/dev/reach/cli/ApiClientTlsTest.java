package dev.reach.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * reachctl's API client against an HTTPS server whose certificate a development CA signed: trusted with
 * {@code --ca-cert} or {@code REACH_CA_CERT}, refused (cannot reach the API) without it or with another CA.
 */
class ApiClientTlsTest {
  private static final Map<String, String> PATH = Map.of("PATH", System.getenv("PATH"));

  @TempDir Path dir;
  private Vertx vertx;
  private String url;

  @BeforeEach
  void httpsServer() {
    assertThat(new CliHarness().env(PATH).run("tls", "dev-ca", "--out", dir.resolve("ca").toString(), "--member", "hub")).isZero();
    assertThat(new CliHarness().env(PATH).run("tls", "dev-ca", "--out", dir.resolve("other").toString(), "--member", "x")).isZero();
    vertx = Vertx.vertx();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
            .setKeyCertOptions(new PemKeyCertOptions().setCertPath(dir.resolve("ca/hub.crt").toString())
                .setKeyPath(dir.resolve("ca/hub.key").toString())))
        .requestHandler(req -> req.response().putHeader("Content-Type", "application/json").end("{\"over\":\"tls\"}"))
        .listen().await();
    url = "https://localhost:" + server.actualPort();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private ApiClient client(Path caCert, Map<String, String> env) {
    ApiOptions o = new ApiOptions();
    o.api = url;
    o.caCert = caCert;
    return o.client(new CliHarness().env(env).cli());
  }

  @Test
  void theDevCaGivenWithCaCertOrReachCaCertIsTrusted() {
    assertThat(client(dir.resolve("ca/ca.crt"), Map.of()).getJson("/x").body().getString("over")).isEqualTo("tls");
    assertThat(client(null, Map.of("REACH_CA_CERT", dir.resolve("ca/ca.crt").toString())).getJson("/x").body().getString("over"))
        .isEqualTo("tls");
  }

  @Test
  void withoutTheCaOrWithAnotherTheServerIsNotTrusted() {
    assertThatThrownBy(() -> client(null, Map.of()).getJson("/x"))
        .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.UNREACHABLE))
        .hasMessageContaining("cannot reach the Reach hub at " + url);
    assertThatThrownBy(() -> client(dir.resolve("other/ca.crt"), Map.of()).getJson("/x"))
        .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.UNREACHABLE));
  }

  @Test
  void aMissingOrBadCaFileIsAUsageErrorNamingWhereItCameFrom() {
    assertThatThrownBy(() -> client(dir.resolve("nope.crt"), Map.of()))
        .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
        .hasMessage("--ca-cert " + dir.resolve("nope.crt") + ": no such file");
    assertThatThrownBy(() -> client(null, Map.of("REACH_CA_CERT", dir.resolve("ca/hub.key").toString())))
        .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
        .hasMessageStartingWith("REACH_CA_CERT " + dir.resolve("ca/hub.key") + ": ");
  }
}
