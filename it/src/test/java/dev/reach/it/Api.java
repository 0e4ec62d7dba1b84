package dev.reach.it;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small blocking client of the hub's HTTP API for tests. */
final class Api {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  Api(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  record Response(int status, String body, java.net.http.HttpHeaders headers) {
    JsonObject json() {
      return new JsonObject(body);
    }

    /** The error contract's inner object. */
    JsonObject error() {
      return json().getJsonObject("error");
    }
  }

  /** {@code headers} as name, value, name, value...; the admin token goes along unless they name an Authorization. */
  Response get(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    headers(b, headers);
    return send(b);
  }

  /** A GET without any token. */
  Response getWithoutToken(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  private static void headers(HttpRequest.Builder b, String... headers) {
    boolean auth = false;
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
      auth |= headers[i].equalsIgnoreCase("Authorization");
    }
    if (!auth) {
      b.header("Authorization", ItTokens.bearer());
    }
  }

  Response post(String path, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers(b, headers);
    return send(b);
  }

  String submit(String runJson) {
    Response r = post("/api/v1/runs", runJson);
    if (r.status() != 201) {
      throw new AssertionError("submit answered " + r.status() + ": " + r.body());
    }
    return r.json().getString("id");
  }

  JsonObject run(String id) {
    Response r = get("/api/v1/runs/" + id);
    if (r.status() != 200) {
      throw new AssertionError("GET run answered " + r.status() + ": " + r.body());
    }
    return r.json();
  }

  static JsonObject job(JsonObject run, String name) {
    for (Object o : run.getJsonArray("jobs")) {
      JsonObject j = (JsonObject) o;
      if (name.equals(j.getString("name"))) {
        return j;
      }
    }
    throw new AssertionError("no job " + name + " in " + run.encodePrettily());
  }

  private Response send(HttpRequest.Builder req) {
    try {
      HttpResponse<String> resp = http.send(req.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(resp.statusCode(), resp.body(), resp.headers());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
