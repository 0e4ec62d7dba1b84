package dev.reach.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile input, property-based (jqwik): 10,000 generated malformed requests — broken, non-object,
 * too deep or too long JSON, bodies with unknown fields or fields of the wrong type or value, unknown
 * query parameters, junk path segments, wrong methods, missing, malformed and unknown tokens — against
 * all of Reach in one JVM with auth on, on the embedded Postgres over real HTTP. Every answer must be a
 * 4xx in the error contract, never a 5xx; the service stays ready throughout, and the runs accepted
 * before (and the token table) stay exactly as they were.
 */
class HostileInputFuzzTest {
  static final int TRIES = 10_000;
  private static final String SPEC = "{\"name\":\"fuzz-victim\",\"jobs\":[{\"name\":\"a\",\"command\":\"echo hi\","
      + "\"env\":{\"K\":\"v\"},\"artifacts\":[\"out.txt\"],\"timeout_seconds\":30}]}";
  private static InProcessReach reach;
  private static HttpClient http;
  private static String base;
  private static final Map<String, JsonObject> accepted = new LinkedHashMap<>();
  private static JsonArray tokensBefore;
  private static final AtomicInteger sent = new AtomicInteger();
  private static final Map<Integer, AtomicInteger> statuses = new java.util.TreeMap<>();

  /** One generated request; {@code what} says how it was made, for the failure message. */
  record Hostile(String method, String path, Map<String, String> headers, byte[] body, String what) {
    @Override
    public String toString() {
      return method + " " + path + " " + headers.keySet() + " body " + (body == null ? "none" : body.length + " bytes")
          + " (" + what + ")";
    }
  }

  @BeforeContainer
  static void start() throws Exception {
    // the rate limit has its own test; here it would turn most tries into 429 before any parsing
    reach = new InProcessReach(1, 4, Map.of("REACH_RATE_LIMIT_PER_SECOND", "0"));
    try {
      acceptSomeRuns();
    } catch (Exception | AssertionError e) {
      reach.close();
      reach = null;
      throw e;
    }
  }

  private static void acceptSomeRuns() throws Exception {
    base = "http://127.0.0.1:" + reach.hub.httpPort();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    for (int i = 0; i < 3; i++) {
      accepted.put(reach.api.submit(SPEC.replace("fuzz-victim", "fuzz-victim-" + i)), null);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (String id : accepted.keySet()) {
      JsonObject run;
      do {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("accepted runs did not finish within 60 s");
        }
        Thread.sleep(50); // polling the run's state, bounded by the deadline above
        run = reach.api.run(id);
      } while (!List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(run.getString("state")));
      accepted.put(id, run);
    }
    tokensBefore = reach.api.get("/admin/api/tokens").json().getJsonArray("tokens");
  }

  @AfterContainer
  static void stop() throws Exception {
    System.out.println("hostile-input fuzz: " + sent.get() + " requests, answers by status " + statuses);
    if (reach != null) {
      reach.close();
    }
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED, afterFailure = net.jqwik.api.AfterFailureMode.RANDOM_SEED)
  void everyMalformedRequestGetsA4xxInTheErrorContractAndChangesNothing(@ForAll("hostile") Hostile h)
      throws Exception {
    Answer r = send(h);
    int n = sent.incrementAndGet();
    synchronized (statuses) {
      statuses.computeIfAbsent(r.statusCode(), s -> new AtomicInteger()).incrementAndGet();
    }
    assertThat(r.statusCode()).as("%s answered %s", h, r.body()).isBetween(400, 499);
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertThat(error).as("%s: no error object in %s", h, r.body()).isNotNull();
    assertThat(error.getString("code")).as("%s: %s", h, r.body()).matches("[A-Z_]+");
    assertThat(error.getValue("message")).as("%s: %s", h, r.body()).isInstanceOf(String.class);
    assertThat(error.getValue("retryable")).as("%s: %s", h, r.body()).isInstanceOf(Boolean.class);
    if (n % 500 == 0) {
      assertThat(reach.api.get("/health/ready").status()).as("ready after %d hostile requests", n).isEqualTo(200);
    }
    if (n % 2500 == 0) {
      nothingAcceptedChanged();
    }
  }

  private static void nothingAcceptedChanged() {
    for (Map.Entry<String, JsonObject> e : accepted.entrySet()) {
      assertThat(reach.api.run(e.getKey())).isEqualTo(e.getValue());
    }
    JsonArray runs = reach.api.get("/api/v1/runs?limit=1000").json().getJsonArray("runs");
    assertThat(runs.size()).as("runs in the store").isEqualTo(accepted.size());
    assertThat(reach.api.get("/admin/api/tokens").json().getJsonArray("tokens")).isEqualTo(tokensBefore);
  }

  /** A status and body, from Java's HTTP client or, for a target it will not send (bad escapes), a raw socket. */
  record Answer(int statusCode, String body) {}

  private static Answer send(Hostile h) throws Exception {
    URI uri;
    try {
      uri = URI.create(base + h.path());
    } catch (IllegalArgumentException notAUri) {
      return sendRaw(h);
    }
    HttpResponse<String> r = sendWithClient(h, uri);
    return new Answer(r.statusCode(), r.body());
  }

  /** The request written as bytes on a fresh connection ({@code Connection: close}), read to the end. */
  private static Answer sendRaw(Hostile h) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", reach.hub.httpPort())) {
      socket.setSoTimeout(30_000);
      StringBuilder head = new StringBuilder(h.method() + " " + h.path() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Connection: close\r\n");
      h.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      byte[] body = h.body() == null ? new byte[0] : h.body();
      head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
      socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
      String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int split = all.indexOf("\r\n\r\n");
      int status = Integer.parseInt(all.substring(all.indexOf(' ') + 1, all.indexOf(' ') + 4));
      return new Answer(status, split < 0 ? "" : all.substring(split + 4));
    }
  }

  private static HttpResponse<String> sendWithClient(Hostile h, URI uri) throws Exception {
    HttpRequest.BodyPublisher body = h.body() == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(h.body());
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .method(h.method(), body);
    h.headers().forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  // --- generators

  @Provide
  Arbitrary<Hostile> hostile() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(30, submissions()),
        net.jqwik.api.Tuple.of(15, adminWrites()),
        net.jqwik.api.Tuple.of(25, reads()),
        net.jqwik.api.Tuple.of(10, idWrites()),
        net.jqwik.api.Tuple.of(10, wrongMethods()),
        net.jqwik.api.Tuple.of(10, unknownPaths()));
  }

  /** POST /api/v1/runs with a body that is wrong by construction. */
  private Arbitrary<Hostile> submissions() {
    return Combinators.combine(auth(), malformedSpec(), contentType(), idempotencyKey())
        .as((a, body, ct, key) -> request("POST", "/api/v1/runs", a, ct, key, body));
  }

  /** The admin API's writes with bodies that are wrong by construction. */
  private Arbitrary<Hostile> adminWrites() {
    Arbitrary<String> path = Arbitraries.of("/admin/api/tokens", "/admin/api/projections/rebuild",
        "/admin/api/drill-events", "/admin/api/backup-events", "/admin/api/worker/restart");
    Arbitrary<Body> tokenBodies = Arbitraries.of(
        new Body("{\"name\":\"x\",\"role\":\"root\"}", "a role that does not exist"),
        new Body("{\"name\":\"\",\"role\":\"viewer\"}", "an empty name"),
        new Body("{\"name\":\"../../etc\",\"role\":\"admin\"}", "a name with a path"),
        new Body("{\"name\":7,\"role\":\"viewer\"}", "a number as name"),
        new Body("{\"role\":\"viewer\"}", "no name"));
    return Combinators.combine(auth(), path, Arbitraries.oneOf(malformedBody(), tokenBodies), contentType())
        .as((a, p, body, ct) -> request("POST", p, a, ct, null, body));
  }

  /** Reads made wrong: unknown or bad query parameters, junk ids. */
  private Arbitrary<Hostile> reads() {
    Arbitrary<String> path = Combinators.combine(Arbitraries.of(
            "/api/v1/runs?%s", "/api/v1/runs/%s", "/api/v1/runs/%s/jobs/a/log", "/api/v1/runs/%s/jobs/%s/log?follow=maybe",
            "/api/v1/runners?%s", "/api/v1/dead-letters?%s", "/api/v1/dead-letters/%s", "/admin/api/events?%s",
            "/admin/api/system-status?%s", "/admin/api/runs/%s/state", "/admin/api/tokens?%s",
            "/admin/api/runner-refusals?%s", "/api/v1/runs?state=NOT%s", "/api/v1/runs?limit=x%s",
            "/admin/api/events?since=x%s"), junkSegment(), badQuery())
        .as((template, seg, query) -> template.contains("?%s") ? template.formatted(query)
            : template.formatted(seg, seg));
    return Combinators.combine(auth(), path).as((a, p) -> request("GET", p, a, null, null, Body.NONE));
  }

  /** Cancels and requeues of runs and dead letters that do not exist, or with junk ids. */
  private Arbitrary<Hostile> idWrites() {
    Arbitrary<String> path = Combinators.combine(Arbitraries.of("/api/v1/runs/%s/cancel",
            "/api/v1/dead-letters/%s/requeue", "/admin/api/dead-letters/%s/requeue", "/admin/api/tokens/%s/revoke"),
        Arbitraries.oneOf(junkSegment(), unknownUuid())).as(String::formatted);
    return Combinators.combine(auth(), path, Arbitraries.oneOf(malformedBody(), Arbitraries.just(Body.NONE)))
        .as((a, p, body) -> request("POST", p, a, "application/json", null, body));
  }

  private Arbitrary<Hostile> wrongMethods() {
    return Combinators.combine(auth(), Arbitraries.of("PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FUZZ"),
            Arbitraries.of("/api/v1/runs", "/api/v1/runners", "/api/v1/dead-letters", "/admin/api/tokens",
                "/admin/api/system-status", "/api/v1/runs/" + UUID.randomUUID()), malformedBody())
        .as((a, m, p, body) -> request(m, p, a, "application/json", null, body));
  }

  private Arbitrary<Hostile> unknownPaths() {
    Arbitrary<String> path = Combinators.combine(Arbitraries.of("/api/v2/%s", "/api/v1/%s", "/admin/api/%s",
        "/api/v1/runs/%s/jobs", "/nope-%s", "/api/v1/runs/x/%s/y", "/health/x-%s"), junkSegment())
        .as(String::formatted); // (a bare "/%s" would be "/.." and normalise to the start page)
    return Combinators.combine(auth(), Arbitraries.of("GET", "POST"), path, malformedBody())
        .as((a, m, p, body) -> request(m, p, a, "application/json", null, "POST".equals(m) ? body : Body.NONE));
  }

  record Body(byte[] bytes, String what) {
    static final Body NONE = new Body((byte[]) null, "no body");

    Body(String text, String what) {
      this(text.getBytes(StandardCharsets.UTF_8), what);
    }
  }

  private static Hostile request(String method, String path, Map<String, String> auth, String contentType,
      String idempotencyKey, Body body) {
    Map<String, String> headers = new LinkedHashMap<>(auth);
    if (contentType != null) {
      headers.put("Content-Type", contentType);
    }
    if (idempotencyKey != null) {
      headers.put("Idempotency-Key", idempotencyKey);
    }
    return new Hostile(method, path, headers, body.bytes(), body.what());
  }

  /** No token, junk, an unknown token, a join token's role... or the admin token, so parsing is reached too. */
  private Arbitrary<Map<String, String>> auth() {
    Arbitrary<Map<String, String>> garbage = printable(0, 80).map(s -> Map.of("Authorization", s));
    Arbitrary<Map<String, String>> unknown = printable(1, 300).map(s -> Map.of("Authorization", "Bearer " + s));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(55, Arbitraries.just(Map.of("Authorization", ItTokens.bearer()))),
        net.jqwik.api.Tuple.of(15, Arbitraries.just(Map.of())),
        net.jqwik.api.Tuple.of(10, garbage),
        net.jqwik.api.Tuple.of(10, unknown),
        net.jqwik.api.Tuple.of(10, Arbitraries.of(Map.of("Authorization", "Bearer "), Map.of("Authorization", "Basic eDp5"),
            Map.of("Authorization", "bearer " + ItTokens.ADMIN + "x"))));
  }

  private static Arbitrary<String> printable(int min, int max) {
    return Arbitraries.strings().withCharRange('!', '~').withChars(' ').ofMinLength(min).ofMaxLength(max)
        .map(String::strip).filter(s -> s.length() >= min);
  }

  private Arbitrary<String> contentType() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(70, Arbitraries.just("application/json")),
        net.jqwik.api.Tuple.of(30, Arbitraries.of("text/plain", "application/xml", "application/json; charset=latin1",
            "multipart/form-data; boundary=x", "*/*", "application/x-www-form-urlencoded")));
  }

  private Arbitrary<String> idempotencyKey() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(60, Arbitraries.just((String) null)),
        net.jqwik.api.Tuple.of(40, printable(0, 400)));
  }

  private Arbitrary<String> unknownUuid() {
    return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as((a, b) -> new UUID(a, b).toString())
        .filter(u -> !accepted.containsKey(u));
  }

  /** A path segment: junk characters, percent-encoded bytes (a NUL, a slash, dots), very long, or an unknown UUID. */
  private Arbitrary<String> junkSegment() {
    Arbitrary<String> chars = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
        .withChars('-', '_', '.', '~', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@')
        .ofMinLength(1).ofMaxLength(120);
    Arbitrary<String> encoded = Arbitraries.integers().between(0, 255).list().ofMinSize(1).ofMaxSize(20)
        .map(bytes -> {
          StringBuilder sb = new StringBuilder();
          bytes.forEach(x -> sb.append('%').append(String.format("%02X", x)));
          return sb.toString();
        });
    return Arbitraries.oneOf(chars, encoded, unknownUuid(), Arbitraries.of("..", "%2e%2e", "%2F..%2F..%2Fetc%2Fpasswd",
        "a".repeat(5000), "%00", "%C0%AE"));
  }

  /** A query string with an unknown parameter, a repeated one, or a bad value. */
  private Arbitrary<String> badQuery() {
    Arbitrary<String> name = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(30)
        .filter(n -> !List.of("state", "limit", "since", "run", "attempt", "follow").contains(n));
    return Arbitraries.oneOf(
        name.map(n -> n + "=1"),
        Arbitraries.of("limit=0", "limit=-5", "limit=abc", "limit=99999999999", "state=NOPE", "state=",
            "limit=1&limit=2", "since=-1", "since=x", "run=not-a-uuid", "state=QUEUED&state=FAILED", "%ZZ=1", "a=%",
            "limit=%00"));
  }

  /** Bodies no endpoint accepts. */
  private Arbitrary<Body> malformedBody() {
    Arbitrary<Body> garbage = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300)
        .map(b -> new Body(b, "random bytes"));
    Arbitrary<Body> truncated = Arbitraries.integers().between(1, SPEC.length() - 2)
        .map(n -> new Body(SPEC.substring(0, n), "JSON cut at " + n));
    Arbitrary<Body> notAnObject = Arbitraries.of("[]", "1", "\"s\"", "null", "true", "[{}]", "{}}", "{,}", "{\"a\":}",
        "{\"a\" 1}", "{'a':1}", "\uFEFF{}x", "{\"a\":NaN}").map(s -> new Body(s, "not a JSON object: " + s));
    Arbitrary<Body> deep = Combinators.combine(Arbitraries.integers().between(17, 3000), Arbitraries.of("{\"a\":", "["))
        .as((n, open) -> new Body(open.repeat(n) + "1" + (open.equals("[") ? "]" : "}").repeat(n), "nested " + n));
    Arbitrary<Body> longString = Arbitraries.integers().between(128 * 1024 + 1, 300 * 1024)
        .map(n -> new Body("{\"name\":\"" + "x".repeat(n) + "\",\"jobs\":[]}", "a " + n + "-character string"));
    Arbitrary<Body> unknownField = Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(40),
            Arbitraries.of("1", "\"x\"", "null", "{}", "[1,2]", "true"))
        .as((name, value) -> new Body("{\"zz_" + name + "\":" + value + "}", "unknown field zz_" + name));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(20, garbage),
        net.jqwik.api.Tuple.of(20, truncated),
        net.jqwik.api.Tuple.of(20, notAnObject),
        net.jqwik.api.Tuple.of(10, deep),
        net.jqwik.api.Tuple.of(2, longString),
        net.jqwik.api.Tuple.of(28, unknownField));
  }

  /** A submission: any malformed body, or the valid spec with one mutation that makes it invalid. */
  private Arbitrary<Body> malformedSpec() {
    List<UnaryOperator<JsonObject>> mutations = new ArrayList<>(List.of(
        o -> o.put("zz_unknown", 1),
        o -> o.put("name", ""),
        o -> o.put("name", 42),
        o -> o.put("jobs", new JsonArray()),
        o -> o.put("jobs", "all of them"),
        o -> o.put("name", "x".repeat(201)),
        o -> job(o).put("command", ""),
        o -> job(o).put("command", 7),
        o -> job(o).put("command", "y".repeat(64 * 1024 + 1)),
        o -> job(o).put("timeout_seconds", -5),
        o -> job(o).put("timeout_seconds", "soon"),
        o -> job(o).put("timeout_seconds", 1.5),
        o -> job(o).put("max_attempts", 0),
        o -> job(o).put("name", "../evil"),
        o -> job(o).put("env", new JsonObject().put("1BAD", "v")),
        o -> job(o).put("env", new JsonObject().put("K", 3)),
        o -> job(o).put("labels", new JsonArray().add("has space")),
        o -> job(o).put("artifacts", new JsonArray().add("../../etc/passwd")),
        o -> job(o).put("artifacts", new JsonArray().add("/abs/path")),
        o -> job(o).put("zz_unknown", true),
        o -> o.put("jobs", new JsonArray().add(job(o).copy()).add(job(o).copy()))));
    Arbitrary<Body> mutated = Arbitraries.integers().between(0, mutations.size() - 1).map(i -> {
      JsonObject o = new JsonObject(SPEC);
      mutations.get(i).apply(o); // each changes the spec in place (some through its first job)
      return new Body(o.encode(), "spec mutation " + i);
    });
    return Arbitraries.oneOf(mutated, malformedBody(), Arbitraries.just(Body.NONE));
  }

  private static JsonObject job(JsonObject spec) {
    return spec.getJsonArray("jobs").getJsonObject(0);
  }
}
