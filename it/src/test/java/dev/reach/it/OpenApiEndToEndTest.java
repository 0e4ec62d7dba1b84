package dev.reach.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hub's OpenAPI document ({@code GET /api/openapi.json}) against all of Reach — orchestrator, artifact store,
 * hub, embedded Postgres, auth on as deployed: every operation's {@code x-reach-role} is the role the route
 * really needs (no token 401, one role lower 403, the role itself let through); every request body example
 * is accepted for real and answered with a documented status whose body validates against the documented
 * response schema; and the limit the document marks as checked by the orchestrator (a secret's length) is
 * refused there. The hub-side checks of bodies, query parameters and routes are in the hub's
 * {@code OpenApiDocumentTest}.
 */
class OpenApiEndToEndTest {
  static final List<String> ORDER = List.of("runner", "viewer", "submitter", "admin");
  static final List<String> METHODS = List.of("get", "put", "post", "delete");
  static final SchemaRegistry SCHEMAS = SchemaRegistry.withDialect(Dialects.getOpenApi31());

  private static InProcessReach reach;
  private static JsonObject doc;
  private static final Map<String, String> tokens = new java.util.HashMap<>();
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Operation(String path, String method, JsonObject op) {
    @Override
    public String toString() {
      return method.toUpperCase() + " " + path;
    }

    String uri() {
      return path.replace("{id}", "0b6f3e0e-5d6c-4b8e-9a7f-2f1c3d4e5f60")
          .replace("{jobId}", "7c1d2e3f-4a5b-4c6d-8e7f-901234567890")
          .replace("{name}", "API_KEY")
          .replace("{env}", "default")
          .replace("{file}", "app.js");
    }

    String role() {
      return op.getString("x-reach-role");
    }

    /** The first example body, as sent here (a restart names a component that is not there). */
    JsonObject example() {
      JsonObject rb = op.getJsonObject("requestBody");
      if (rb == null) {
        return null;
      }
      JsonObject examples = rb.getJsonObject("content").getJsonObject("application/json").getJsonObject("examples");
      JsonObject b = examples.getJsonObject(examples.fieldNames().iterator().next()).getJsonObject("value").copy();
      return op.getString("operationId").equals("restartWorker") ? b.put("component", "openapi-test.none") : b;
    }
  }

  record Reply(int status, String body) {}

  @BeforeAll
  static void start() throws Exception {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    reach = new InProcessReach(0, 1, Map.of("REACH_SECRETS_KEY", Base64.getEncoder().encodeToString(key),
        "REACH_RATE_LIMIT_PER_SECOND", "0"));
    try (InputStream in = OpenApiEndToEndTest.class.getClassLoader().getResourceAsStream("openapi.json")) {
      doc = new JsonObject(io.vertx.core.buffer.Buffer.buffer(in.readAllBytes()));
    }
    tokens.put("admin", ItTokens.ADMIN);
    for (String role : List.of("runner", "viewer", "submitter")) {
      Reply r = call("POST", "/admin/api/tokens", new JsonObject().put("name", "openapi-" + role).put("role", role), ItTokens.ADMIN);
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      tokens.put(role, new JsonObject(r.body()).getString("token"));
    }
  }

  @AfterAll
  static void stop() throws IOException {
    if (reach != null) {
      reach.close();
    }
  }

  static List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String m : METHODS) {
        if (paths.getJsonObject(path).containsKey(m)) {
          ops.add(new Operation(path, m, paths.getJsonObject(path).getJsonObject(m)));
        }
      }
    }
    return ops;
  }

  @Test
  void theServedDocumentIsTheOneInTheHubsJarAndNeedsNoToken() {
    Reply r = call("GET", "/api/openapi.json", null, null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(new JsonObject(r.body())).isEqualTo(doc);
  }

  @Test
  void eachOperationNeedsExactlyTheRoleItDocuments() {
    List<String> problems = new ArrayList<>();
    for (Operation o : operations()) {
      String role = o.role();
      if (role.equals("none")) {
        int status = call(o.method().toUpperCase(), o.uri(), null, null).status();
        if (status == 401 || status == 403) {
          problems.add(o + ": documented open, answered " + status + " without a token");
        }
        continue;
      }
      Reply none = call(o.method().toUpperCase(), o.uri(), o.example(), null);
      if (none.status() != 401) {
        problems.add(o + ": no token answered " + none.status() + " " + none.body());
      }
      String lower = ORDER.get(ORDER.indexOf(role) - 1);
      Reply below = call(o.method().toUpperCase(), o.uri(), o.example(), tokens.get(lower));
      if (below.status() != 403) {
        problems.add(o + ": a " + lower + " token answered " + below.status() + " " + below.body());
      }
      Reply at = call(o.method().toUpperCase(), o.uri(), o.example(), tokens.get(role));
      if (at.status() == 401 || at.status() == 403) {
        problems.add(o + ": a " + role + " token answered " + at.status() + " " + at.body());
      } else if (!o.op().getJsonObject("responses").containsKey(String.valueOf(at.status()))) {
        problems.add(o + ": a " + role + " token: undocumented status " + at.status() + " " + at.body());
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyExampleBodyIsAcceptedForRealWithADocumentedAnswer() {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Operation o : operations()) {
      JsonObject rb = o.op().getJsonObject("requestBody");
      if (rb == null) {
        continue;
      }
      JsonObject examples = rb.getJsonObject("content").getJsonObject("application/json").getJsonObject("examples");
      for (String name : examples.fieldNames()) {
        JsonObject body = examples.getJsonObject(name).getJsonObject("value").copy();
        if (o.op().getString("operationId").equals("restartWorker")) {
          body.put("component", "openapi-test.none"); // not this hub's own worker
        }
        String uri = o.uri();
        if (o.op().getString("operationId").equals("createToken")) {
          body.put("name", body.getString("name") + "-" + name);
        }
        Reply r = call(o.method().toUpperCase(), uri, body, ItTokens.ADMIN);
        checked++;
        JsonObject responses = o.op().getJsonObject("responses");
        String what = o + " example '" + name + "'";
        if (r.status() == 400 || r.status() == 413 || r.status() == 422) {
          problems.add(what + ": refused " + r.status() + " " + r.body());
          continue;
        }
        if (!responses.containsKey(String.valueOf(r.status()))) {
          problems.add(what + ": undocumented status " + r.status() + " " + r.body());
          continue;
        }
        String pointer = pointer(o, r.status());
        if (pointer != null) {
          Schema schema = SCHEMAS.getSchema(SchemaLocation.of("classpath:openapi.json#" + pointer));
          List<com.networknt.schema.Error> errors = schema.validate(r.body(), InputFormat.JSON);
          if (!errors.isEmpty()) {
            problems.add(what + ": answer " + r.status() + " does not match the documented schema: " + errors + " " + r.body());
          }
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(checked).isGreaterThanOrEqualTo(12);
  }

  @Test
  void theOrchestratorRefusesASecretPastTheDocumentedLength() {
    JsonObject value = doc.getJsonObject("components").getJsonObject("schemas").getJsonObject("SecretSetRequest")
        .getJsonObject("properties").getJsonObject("value");
    assertThat(value.getString("x-reach-checked-by")).isEqualTo("orchestrator");
    int max = value.getInteger("maxLength");
    String uri = "/admin/api/environments/default/secrets/OPENAPI_LIMIT";
    assertThat(call("PUT", uri, new JsonObject().put("value", "a".repeat(max)), ItTokens.ADMIN).status()).isEqualTo(200);
    Reply past = call("PUT", uri, new JsonObject().put("value", "a".repeat(max + 1)), ItTokens.ADMIN);
    assertThat(past.status()).as(past.body()).isEqualTo(400);
    assertThat(new JsonObject(past.body()).getJsonObject("error").getString("field")).startsWith("value");
  }

  /** The JSON pointer of the documented answer's JSON schema, or null when the answer is not JSON. */
  static String pointer(Operation o, int status) {
    JsonObject r = o.op().getJsonObject("responses").getJsonObject(String.valueOf(status));
    if (r.containsKey("$ref")) {
      return r.getString("$ref").substring(1) + "/content/application~1json/schema";
    }
    JsonObject content = r.getJsonObject("content");
    if (content == null || !content.containsKey("application/json")) {
      return null;
    }
    JsonObject schema = content.getJsonObject("application/json").getJsonObject("schema");
    return schema.containsKey("$ref") ? schema.getString("$ref").substring(1) : null;
  }

  static Reply call(String method, String path, JsonObject body, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + reach.hub.httpPort() + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
