package dev.reach.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** A small blocking client of the hub's API for the CLI commands. */
public final class ApiClient {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  static final int MAX_ERROR_BODY = 64 * 1024;

  private final String base;
  private final String token;
  private final HttpClient http;

  private ApiClient(String base, String token, SSLContext tls) {
    this.base = base;
    this.token = token;
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER);
    if (tls != null) {
      b.sslContext(tls);
    }
    this.http = b.build();
  }

  /** A client for {@code url} ({@code http(s)://host[:port][/prefix]}); a malformed URL is a usage error. */
  public static ApiClient create(String url) {
    return create(url, null, null);
  }

  /**
   * A client for {@code url} that sends {@code token} (nullable) as {@code Authorization: Bearer} with
   * every request that does not name its own; an {@code https://} hub's certificate is checked against
   * {@code tls}'s trust (a development CA, see {@link CaTrust}) instead of the JDK's CAs when {@code tls}
   * is not null.
   */
  public static ApiClient create(String url, String token, SSLContext tls) {
    String u = url == null ? "" : url.strip();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    try {
      URI uri = new URI(u);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
          || uri.getQuery() != null || uri.getFragment() != null) {
        throw new URISyntaxException(u, "not an http:// or https:// URL");
      }
    } catch (URISyntaxException e) {
      throw new CliException(ExitCodes.USAGE, "--api " + url + ": not an http:// or https:// URL");
    }
    return new ApiClient(u, token, tls);
  }

  public String base() {
    return base;
  }

  /** A status and JSON body of a successful call. */
  public record JsonReply(int status, JsonObject body) {}

  public JsonReply getJson(String path) {
    return getJson(path, Map.of());
  }

  public JsonReply getJson(String path, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
    headers(b, headers);
    return json(b, path, REQUEST_TIMEOUT);
  }

  /** A GET whose JSON body is wanted whatever the status (a health endpoint answers 503 with its report). */
  public JsonReply getJsonAnyStatus(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET().header("Accept", "application/json");
    headers(b, Map.of());
    HttpResponse<String> r = send(b, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), REQUEST_TIMEOUT);
    try {
      return new JsonReply(r.statusCode(), new JsonObject(r.body()));
    } catch (DecodeException | ClassCastException e) {
      throw error(r.statusCode(), r.body());
    }
  }

  public JsonReply postJson(String path, byte[] body, Map<String, String> headers) {
    return postJson(path, body, headers, REQUEST_TIMEOUT);
  }

  /** A POST that may take up to {@code timeout} (a projection rebuild takes minutes on a long log). */
  public JsonReply postJson(String path, byte[] body, Map<String, String> headers, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers(b, headers);
    return json(b, path, timeout);
  }

  /** A request with another method (PUT, DELETE) and an optional JSON body. */
  public JsonReply sendJson(String method, String path, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    headers(b, headers);
    return json(b, path, REQUEST_TIMEOUT);
  }

  /** A streamed body (the caller closes it); an error status becomes an {@link ApiException}. */
  InputStream stream(String path) {
    return stream(path, Map.of());
  }

  /** As {@link #stream(String)}, with request headers (such as {@code Authorization}). */
  public InputStream stream(String path, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
    headers(b, headers);
    // the timeout runs until the response's head: a long stream (an export, a followed log) is not cut by it
    HttpResponse<InputStream> r = send(b, HttpResponse.BodyHandlers.ofInputStream(), REQUEST_TIMEOUT);
    if (r.statusCode() / 100 != 2) {
      try (InputStream in = r.body()) {
        throw error(r.statusCode(), new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw error(r.statusCode(), "");
      }
    }
    return r.body();
  }

  private void headers(HttpRequest.Builder b, Map<String, String> headers) {
    headers.forEach(b::header);
    if (token != null && headers.keySet().stream().noneMatch("Authorization"::equalsIgnoreCase)) {
      b.header("Authorization", "Bearer " + token);
    }
  }

  private JsonReply json(HttpRequest.Builder b, String path, Duration timeout) {
    b.header("Accept", "application/json");
    HttpResponse<String> r = send(b, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8), timeout);
    if (r.statusCode() / 100 != 2) {
      throw error(r.statusCode(), r.body());
    }
    try {
      return new JsonReply(r.statusCode(), new JsonObject(r.body()));
    } catch (DecodeException | ClassCastException e) {
      throw new ApiException(r.statusCode(), "BAD_RESPONSE", "the API answered " + path + " with a body that is not a JSON object", null, false);
    }
  }

  private <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler, Duration timeout) {
    HttpRequest req = b.timeout(timeout).build();
    try {
      return http.send(req, handler);
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("no connection within " + CONNECT_TIMEOUT.toSeconds() + " s", e);
    } catch (HttpTimeoutException e) {
      throw unreachable("no answer within " + req.timeout().orElse(REQUEST_TIMEOUT).toSeconds() + " s", e);
    } catch (IOException e) {
      throw unreachable(why(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "interrupted");
    }
  }

  /** Why a connection failed, in a few words: refused, an unknown host, a TLS failure, a reset. */
  static String why(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "unknown host: the DNS lookup failed";
      }
      if (t instanceof SSLHandshakeException || t instanceof SSLException) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (m.contains("PKIX") || m.contains("unable to find valid certification path")) {
          return "TLS: the hub's certificate is not trusted; pass its CA with --ca-cert or REACH_CA_CERT";
        }
        if (m.contains("No subject alternative") || m.contains("No name matching")) {
          return "TLS: the hub's certificate does not name this host";
        }
        return "TLS handshake failed: " + m;
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to host";
      }
    }
    if (e instanceof ConnectException) {
      return e.getMessage() == null || e.getMessage().isBlank() ? "connection refused" : e.getMessage().toLowerCase(Locale.ROOT);
    }
    return Futures.describe(e);
  }

  private CliException unreachable(String why, Throwable cause) {
    return new UnreachableException(base, why, cause);
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  /** The error contract {@code {"error": {"code", "message", "field"?, "retryable"}}}, or a plain HTTP error. */
  static ApiException error(int status, String body) {
    try {
      JsonObject e = new JsonObject(body == null ? "" : body).getJsonObject("error");
      if (e != null && e.getString("code") != null) {
        return new ApiException(status, e.getString("code"), e.getString("message", ""), e.getString("field"),
            Boolean.TRUE.equals(e.getBoolean("retryable")));
      }
    } catch (DecodeException | ClassCastException ignored) {
      // not the error contract
    }
    String text = body == null ? "" : body.strip();
    if (text.length() > 200) {
      text = text.substring(0, 200) + "...";
    }
    return new ApiException(status, "HTTP_" + status, text.isEmpty() ? "HTTP status " + status : text, null, status == 503);
  }

  /** One path segment, percent-encoded (RFC 3986 unreserved characters stay as they are). */
  public static String segment(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /**
   * The hub could not be reached at all (connection refused, unknown host, TLS failure, no answer in
   * time): {@code reachctl: cannot reach the Reach hub at URL (why)}, exit 3.
   */
  public static final class UnreachableException extends CliException {
    private final String url;
    private final String why;

    UnreachableException(String url, String why, Throwable cause) {
      super(ExitCodes.UNREACHABLE, "reachctl: " + describe(url, why), cause);
      this.url = url;
      this.why = why;
    }

    static String describe(String url, String why) {
      return "cannot reach the Reach hub at " + url + (why == null || why.isBlank() ? "" : " (" + why + ")");
    }

    public String url() {
      return url;
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("code", ErrorJson.UNREACHABLE).put("message", describe(url, why)).put("url", url)
          .put("retryable", true).put("exit_code", exitCode());
    }
  }

  /** An error answer of the API; printed as {@code error CODE: message (field F)}, exit 1. */
  public static final class ApiException extends CliException {
    private final int status;
    private final String code;
    private final String apiMessage;
    private final String field;
    private final boolean retryable;

    ApiException(int status, String code, String message, String field, boolean retryable) {
      super(ExitCodes.FAILED, "error " + code + ": " + message + (field == null ? "" : " (field " + field + ")"));
      this.status = status;
      this.code = code;
      this.apiMessage = message;
      this.field = field;
      this.retryable = retryable;
    }

    public int status() {
      return status;
    }

    public String code() {
      return code;
    }

    String field() {
      return field;
    }

    boolean retryable() {
      return retryable;
    }

    /** The error contract's object as the API sent it, with the HTTP status added. */
    @Override
    public JsonObject toJson() {
      JsonObject e = new JsonObject().put("code", code).put("message", apiMessage);
      if (field != null) {
        e.put("field", field);
      }
      return e.put("retryable", retryable).put("status", status).put("exit_code", exitCode());
    }
  }
}
