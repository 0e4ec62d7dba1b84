package dev.reach.cli.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The backup tests' calls to a local cluster's API, with its admin token. */
final class AdminHttp {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();

  private AdminHttp() {}

  /** {@code method path} with {@code body} (a GET when null); asserts a 2xx answer and returns its JSON. */
  static JsonObject json(String apiUrl, String token, String method, String path, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(request(apiUrl, token, method, path, body), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isBetween(200, 299);
    return new JsonObject(r.body());
  }

  /** The body of {@code GET path}, whatever its status. */
  static String text(String apiUrl, String token, String path) throws Exception {
    return HTTP.send(request(apiUrl, token, "GET", path, null), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static HttpRequest request(String apiUrl, String token, String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
    return (body == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(body))).build();
  }
}
