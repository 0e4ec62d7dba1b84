package dev.reach.hub;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/openapi.json}: the OpenAPI 3.1 document of every hub route ({@code openapi.json} in the
 * hub's jar, written by hand and held to the router and the hub's parsers by {@code OpenApiDocumentTest}).
 * Open, like {@code /health} and {@code /metrics}: it is the same text on every deployment and holds no
 * run, token, secret or setting, and a client needs it (how to authenticate) before it has a token.
 */
final class OpenApiDocument implements Handler<RoutingContext> {
  static final String RESOURCE = "openapi.json";
  static final String PATH = "/api/openapi.json";

  private final Buffer document;

  private OpenApiDocument(Buffer document) {
    this.document = document;
  }

  /** Reads the document from the classpath; a missing or broken one stops the hub at start. */
  static OpenApiDocument load() {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the hub's classpath");
      }
      Buffer b = Buffer.buffer(in.readAllBytes());
      if (!(b.toJsonValue() instanceof JsonObject o) || o.getString("openapi") == null) {
        throw new IllegalStateException(RESOURCE + " is not an OpenAPI document");
      }
      return new OpenApiDocument(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Buffer document() {
    return document;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, JsonResponses.CONTENT_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .end(document);
  }
}
