package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.path.NodePath;
import dev.reach.shared.error.ErrorCode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Holds {@code openapi.json} (served at {@code /api/openapi.json}) to the hub that really runs: (1) the router's
 * routes and the document's operations are the same set, both ways; (2) each operation's query parameters are
 * exactly what the route accepts (the hub's refusal of an unknown one lists what it allows); (3) for every
 * request body, the document's schema and the hub's own strict parsers agree — example bodies and bodies
 * derived from the schema (a field removed, of the wrong type, past a limit, unknown) are judged by a JSON
 * Schema validator (networknt, OpenAPI 3.1 dialect) and sent to the hub: what the schema accepts the hub
 * does not refuse as invalid, what it refuses the hub answers {@code 400} naming the same field; (4) every
 * documented error answer is the error contract and lists every {@link ErrorCode} under its status, and the
 * error bodies the hub sent in (2) and (3) validate against the documented schema for their status.
 *
 * <p>A real hub with no orchestrator behind it: the hub validates before it forwards, so a request that
 * passes its checks answers {@code 503 ORCHESTRATOR_UNAVAILABLE} here, nothing is stored and nothing is
 * stubbed. The admin API lets in {@code REACH_ADMIN_TOKEN} while no orchestrator can check tokens. What only
 * the orchestrator checks is marked {@code x-reach-checked-by: orchestrator} in the document and left to
 * {@code OpenApiEndToEndTest} in {@code it/}, which runs the same checks against all of Reach.
 */
class OpenApiDocumentTest {
  static final String ADMIN = "openapi-admin-token-0123456789";
  static final String DOC = "classpath:" + OpenApiDocument.RESOURCE;
  static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
  /** The prefix routes that hold no endpoint: the admin API's body limits and its token check. */
  static final Set<String> MIDDLEWARE = Set.of("POST /admin/api/", "PUT /admin/api/", "* /admin/api/");
  /** Prefix routes that serve static files, and the document's path for them. */
  static final Map<String, String> STATIC_PREFIXES = Map.of("GET /ui/", "GET /ui/{file}");
  static final SchemaRegistry SCHEMAS = SchemaRegistry.withDialect(Dialects.getOpenApi31());

  private static HubFixture f;
  private static JsonObject doc;
  /** Every error answer seen, by status, to check against the document's error schemas. */
  private static final Map<Integer, List<JsonObject>> errorsSeen = new ConcurrentHashMap<>();

  record Operation(String path, String method, JsonObject op) {
    @Override
    public String toString() {
      return method.toUpperCase() + " " + path;
    }

    Set<String> queryParams() {
      return params().stream().filter(p -> "query".equals(p.getString("in"))).map(p -> p.getString("name"))
          .collect(Collectors.toCollection(TreeSet::new));
    }

    List<JsonObject> params() {
      List<JsonObject> out = new ArrayList<>();
      for (Object p : op.getJsonArray("parameters", new JsonArray())) {
        out.add(resolve((JsonObject) p));
      }
      return out;
    }

    boolean admin() {
      return path.startsWith("/admin/api/");
    }

    /** The path with sample values for its parameters. */
    String uri() {
      return path.replace("{id}", "0b6f3e0e-5d6c-4b8e-9a7f-2f1c3d4e5f60")
          .replace("{jobId}", "7c1d2e3f-4a5b-4c6d-8e7f-901234567890")
          .replace("{name}", "API_KEY")
          .replace("{env}", "default")
          .replace("{file}", "app.js");
    }
  }

  @BeforeAll
  static void start() throws IOException {
    f = HubFixture.start(Map.of("REACH_ADMIN_TOKEN", ADMIN, "REACH_RATE_LIMIT_PER_SECOND", "0"));
    try (InputStream in = OpenApiDocumentTest.class.getClassLoader().getResourceAsStream(OpenApiDocument.RESOURCE)) {
      doc = new JsonObject(Buffer.buffer(in.readAllBytes()));
    }
  }

  @AfterAll
  static void stop() {
    if (f != null) {
      f.close();
    }
  }

  static List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String m : METHODS) {
        if (item.containsKey(m)) {
          ops.add(new Operation(path, m, item.getJsonObject(m)));
        }
      }
    }
    return ops;
  }

  /** Follows a local {@code $ref} (once or more). */
  static JsonObject resolve(JsonObject o) {
    while (o.containsKey("$ref")) {
      String ref = o.getString("$ref");
      assertThat(ref).as("only local references").startsWith("#/");
      Object at = doc;
      for (String part : ref.substring(2).split("/")) {
        at = ((JsonObject) at).getValue(part.replace("~1", "/").replace("~0", "~"));
      }
      o = (JsonObject) at;
    }
    return o;
  }

  // ---- served ----------------------------------------------------------------------------------------------

  @Test
  void theDocumentIsServedOpenAndAsShipped() throws IOException {
    HubFixture.HttpReply reply = f.get(OpenApiDocument.PATH);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers().get("Content-Type")).startsWith("application/json");
    assertThat(reply.json()).isEqualTo(doc);
    assertThat(doc.getString("openapi")).isEqualTo("3.1.0");
    HubFixture.HttpReply withQuery = f.get(OpenApiDocument.PATH + "?format=yaml");
    assertThat(withQuery.status()).isEqualTo(400);
    assertThat(withQuery.error().getString("field")).isEqualTo("format");
    try (HubFixture authOn = HubFixture.start(Map.of("REACH_AUTH", "true"))) {
      assertThat(authOn.get(OpenApiDocument.PATH).status()).as("no token needed").isEqualTo(200);
      assertThat(authOn.get("/api/v1/runs").status()).as("while the API needs one").isEqualTo(401);
    }
  }

  // ---- (1) routes ------------------------------------------------------------------------------------------

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() {
    Set<String> routed = new TreeSet<>();
    Set<String> prefixes = new TreeSet<>();
    for (Route r : f.hub.routes()) {
      String path = r.getPath();
      if (path == null) {
        continue; // path-less: the in-flight counter, the failure handler
      }
      Set<String> methods = r.methods() == null || r.methods().isEmpty() ? Set.of("*")
          : r.methods().stream().map(HttpMethod::name).collect(Collectors.toSet());
      for (String m : methods) {
        String route = m + " " + path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
        if (!r.isExactPath() && STATIC_PREFIXES.containsKey(route)) {
          routed.add(STATIC_PREFIXES.get(route));
        } else {
          (r.isExactPath() ? routed : prefixes).add(route);
        }
      }
    }
    Set<String> documented = operations().stream().map(Operation::toString).collect(Collectors.toCollection(TreeSet::new));

    Set<String> undocumented = new TreeSet<>(routed);
    undocumented.removeAll(documented);
    Set<String> notRouted = new TreeSet<>(documented);
    notRouted.removeAll(routed);
    assertThat(undocumented).as("routes missing from openapi.json").isEmpty();
    assertThat(notRouted).as("operations in openapi.json that no route serves").isEmpty();
    assertThat(prefixes).as("prefix routes (a new one may hide an undocumented endpoint)").isEqualTo(MIDDLEWARE);
  }

  @Test
  void everyOperationNamesItsRoleAndSecurity() {
    for (Operation o : operations()) {
      String role = o.op().getString("x-reach-role");
      assertThat(role).as(o + " x-reach-role").isIn("none", "viewer", "submitter", "admin");
      JsonArray security = o.op().getJsonArray("security");
      if (role.equals("none")) {
        assertThat(security).as(o + " is open").isEmpty();
        assertThat(o.op().getJsonObject("responses").containsKey("401")).as(o + " answers no 401").isFalse();
      } else {
        assertThat(security).as(o + " security").containsExactly(new JsonObject().put("bearer", new JsonArray()));
        assertThat(o.op().getJsonObject("responses").fieldNames()).as(o + " responses").contains("401", "403");
      }
      if (o.admin()) {
        assertThat(role).as(o + ": the admin API").isEqualTo("admin");
      }
    }
    assertThat(doc.getJsonObject("components").getJsonObject("securitySchemes").getJsonObject("bearer"))
        .isEqualTo(new JsonObject().put("type", "http").put("scheme", "bearer").put("description",
            doc.getJsonObject("components").getJsonObject("securitySchemes").getJsonObject("bearer").getString("description")));
  }

  // ---- (2) query parameters --------------------------------------------------------------------------------

  @Test
  void eachOperationAcceptsExactlyItsDocumentedQueryParameters() {
    List<String> problems = new ArrayList<>();
    Pattern allowed = Pattern.compile("unknown query parameter 'openapi_probe'; allowed: (.*)$");
    for (Operation o : operations()) {
      HubFixture.HttpReply unknown = send(o, o.uri() + "?openapi_probe=1", null);
      if (!o.op().getBoolean("x-reach-query-strict")) {
        HubFixture.HttpReply plain = send(o, o.uri(), null);
        if (plain.status() != unknown.status()) {
          problems.add(o + ": lenient, but answered " + plain.status() + " without a query and " + unknown.status()
              + " with an unknown parameter " + unknown.headers().entries());
        }
        if (!documentedStatus(o, unknown.status())) {
          problems.add(o + ": lenient, but an unknown query parameter answered " + unknown.status() + " " + unknown.headers().entries());
        }
        if (!o.queryParams().isEmpty()) {
          problems.add(o + ": lenient routes document no query parameters");
        }
        continue;
      }
      if (unknown.status() != 400 || !"openapi_probe".equals(unknown.error().getString("field"))) {
        problems.add(o + ": an unknown query parameter answered " + unknown.status() + " " + unknown.text());
        continue;
      }
      Matcher m = allowed.matcher(unknown.error().getString("message"));
      Set<String> accepted = !m.find() || m.group(1).equals("none") ? Set.of()
          : new TreeSet<>(Arrays.asList(m.group(1).split(", ")));
      if (!accepted.equals(o.queryParams())) {
        problems.add(o + ": documented " + o.queryParams() + ", the route accepts " + accepted);
      }
      for (JsonObject p : o.params()) {
        if (!"query".equals(p.getString("in"))) {
          continue;
        }
        String name = p.getString("name");
        HubFixture.HttpReply known = send(o, o.uri() + "?" + name + "=" + sample(resolve(p.getJsonObject("schema"))), null);
        if (known.status() == 400 && name.equals(known.error().getString("field"))) {
          problems.add(o + ": documented parameter " + name + " refused: " + known.text());
        } else if (!documentedStatus(o, known.status())) {
          problems.add(o + " ?" + name + ": undocumented status " + known.status());
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  static String sample(JsonObject schema) {
    if (schema.containsKey("enum")) {
      return String.valueOf(schema.getJsonArray("enum").getValue(0));
    }
    if ("uuid".equals(schema.getString("format"))) {
      return "0b6f3e0e-5d6c-4b8e-9a7f-2f1c3d4e5f60";
    }
    return switch (schema.getString("type", "string")) {
      case "integer" -> String.valueOf(schema.getLong("minimum", 1L));
      case "boolean" -> "true";
      default -> "x";
    };
  }

  // ---- (3) request bodies ----------------------------------------------------------------------------------

  record Body(String label, JsonObject value) {}

  @Test
  void theHubAgreesWithTheDocumentsRequestBodySchemas() {
    List<String> problems = new ArrayList<>();
    int valid = 0;
    int invalid = 0;
    for (Operation o : operations()) {
      JsonObject rb = o.op().getJsonObject("requestBody");
      if (rb == null) {
        continue;
      }
      JsonObject media = rb.getJsonObject("content").getJsonObject("application/json");
      String ref = media.getJsonObject("schema").getString("$ref");
      assertThat(ref).as(o + ": a request body is a named schema").startsWith("#/components/schemas/");
      Schema schema = SCHEMAS.getSchema(SchemaLocation.of(DOC + ref));
      JsonObject examples = media.getJsonObject("examples");
      assertThat(examples).as(o + " has examples").isNotNull().isNotEmpty();
      List<Body> bodies = new ArrayList<>();
      for (String name : examples.fieldNames()) {
        JsonObject example = base(o, examples.getJsonObject(name).getJsonObject("value"));
        bodies.add(new Body("example '" + name + "'", example));
        bodies.addAll(derived(example, resolve(media.getJsonObject("schema"))));
      }
      bodies.removeIf(b -> o.op().getString("operationId").equals("restartWorker")
          && !b.value().containsKey("component")); // the default component is this hub's own worker
      for (Body b : bodies) {
        List<com.networknt.schema.Error> verdict = schema.validate(b.value().encode(), InputFormat.JSON);
        HubFixture.HttpReply reply = send(o, o.uri(), b.value());
        String what = o + " " + b.label() + " " + abbreviate(b.value().encode());
        if (b.label().startsWith("example") && !verdict.isEmpty()) {
          problems.add(what + ": the document's example fails its own schema: " + verdict);
        }
        if (verdict.isEmpty()) {
          valid++;
          if (reply.status() == 400 || reply.status() == 413) {
            problems.add(what + ": valid per schema, refused by the hub: " + reply.text());
          } else if (!documentedStatus(o, reply.status())) {
            problems.add(what + ": undocumented status " + reply.status());
          }
        } else {
          invalid++;
          Set<String> fields = fields(verdict);
          if (reply.status() != 400) {
            problems.add(what + ": invalid per schema " + fields + ", the hub answered " + reply.status());
          } else if (!fields.contains(reply.error().getString("field"))) {
            problems.add(what + ": the schema names " + fields + ", the hub " + reply.error().getString("field")
                + " (" + reply.error().getString("message") + ")");
          }
        }
      }
      if (!rb.getBoolean("required")) {
        HubFixture.HttpReply none = send(o, o.uri(), null);
        if (none.status() == 400) {
          problems.add(o + ": the body is optional, the hub refused none: " + none.text());
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(valid).as("bodies valid per schema").isGreaterThan(20);
    assertThat(invalid).as("bodies invalid per schema").isGreaterThan(100);
  }

  /** The example as the test sends it: a restart names a component that is not there (it would restart this hub). */
  static JsonObject base(Operation o, JsonObject example) {
    JsonObject b = example.copy();
    if (o.op().getString("operationId").equals("restartWorker")) {
      b.put("component", "openapi-test.none");
    }
    return b;
  }

  /** The fields an error list names, as the hub names them: {@code jobs[0].env.KEY}. */
  static Set<String> fields(List<com.networknt.schema.Error> errors) {
    Set<String> out = new LinkedHashSet<>();
    for (com.networknt.schema.Error e : errors) {
      String at = field(e.getInstanceLocation());
      out.add(at);
      if (e.getProperty() != null) {
        out.add(at.isEmpty() ? e.getProperty() : at + "." + e.getProperty());
      }
    }
    return out;
  }

  static String field(NodePath path) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < path.getNameCount(); i++) {
      Object e = path.getElement(i);
      if (e instanceof Integer n) {
        b.append('[').append(n).append(']');
      } else {
        b.append(b.length() == 0 ? "" : ".").append(e);
      }
    }
    return b.toString();
  }

  /** Bodies derived from {@code example} by the schema's own keywords; the validator decides which are valid. */
  static List<Body> derived(JsonObject example, JsonObject schema) {
    List<Body> out = new ArrayList<>();
    object(example, schema, "", b -> b, out);
    return out;
  }

  private static void object(JsonObject example, JsonObject schema, String prefix, Function<JsonObject, JsonObject> at,
      List<Body> out) {
    JsonObject sample = at.apply(example);
    out.add(edit(example, prefix + "openapi_probe: unknown field", b -> at.apply(b).put("openapi_probe", 1)));
    JsonObject props = schema.getJsonObject("properties", new JsonObject());
    for (String p : props.fieldNames()) {
      JsonObject ps = resolve(props.getJsonObject(p));
      if (ps.containsKey("x-reach-checked-by")) {
        continue;
      }
      String f = prefix + p;
      if (sample.containsKey(p)) {
        out.add(edit(example, f + ": removed", b -> at.apply(b).remove(p)));
      }
      for (Object wrong : wrongTypes(ps)) {
        out.add(edit(example, f + ": " + wrong.getClass().getSimpleName(), b -> at.apply(b).put(p, wrong)));
      }
      for (Object v : violations(ps)) {
        out.add(edit(example, f + ": past a limit", b -> at.apply(b).put(p, v)));
      }
      String type = ps.getString("type", "");
      if (type.equals("object") && sample.getValue(p) instanceof JsonObject) {
        if (ps.containsKey("properties")) {
          object(example, ps, f + ".", b -> at.apply(b).getJsonObject(p), out);
        }
        if (ps.getValue("additionalProperties") instanceof JsonObject values) {
          map(example, ps, resolve(values), f, b -> at.apply(b).getJsonObject(p), out);
        }
      }
      if (type.equals("array") && sample.getValue(p) instanceof JsonArray arr && !arr.isEmpty()) {
        JsonObject items = resolve(ps.getJsonObject("items"));
        Object first = arr.getValue(0);
        if (ps.containsKey("minItems")) {
          out.add(edit(example, f + ": too few items", b -> at.apply(b).put(p, new JsonArray())));
        }
        if (ps.containsKey("maxItems")) {
          JsonArray many = new JsonArray();
          for (int i = 0; i <= ps.getInteger("maxItems"); i++) {
            many.add(first instanceof JsonObject o ? o.copy().put("name", "j" + i) : first);
          }
          out.add(edit(example, f + ": too many items", b -> at.apply(b).put(p, many)));
        }
        for (Object wrong : wrongTypes(items)) {
          out.add(edit(example, f + "[0]: " + wrong.getClass().getSimpleName(), b -> at.apply(b).getJsonArray(p).set(0, wrong)));
        }
        for (Object v : violations(items)) {
          out.add(edit(example, f + "[0]: past a limit", b -> at.apply(b).getJsonArray(p).set(0, v)));
        }
        if (first instanceof JsonObject) {
          object(example, items, f + "[0].", b -> at.apply(b).getJsonArray(p).getJsonObject(0), out);
        }
      }
    }
  }

  /** An object used as a map: a bad key, a value of the wrong type or past a limit, too many entries. */
  private static void map(JsonObject example, JsonObject schema, JsonObject values, String f,
      Function<JsonObject, JsonObject> at, List<Body> out) {
    String key = "GOOD_KEY";
    for (String bad : List.of("1BAD", "REACH_X", "bad-key")) {
      out.add(edit(example, f + "." + bad + ": key", b -> at.apply(b).put(bad, "v")));
    }
    for (Object wrong : wrongTypes(values)) {
      out.add(edit(example, f + "." + key + ": " + wrong.getClass().getSimpleName(), b -> at.apply(b).put(key, wrong)));
    }
    for (Object v : violations(values)) {
      out.add(edit(example, f + "." + key + ": past a limit", b -> at.apply(b).put(key, v)));
    }
    if (schema.containsKey("maxProperties")) {
      out.add(edit(example, f + ": too many entries", b -> {
        JsonObject m = at.apply(b);
        for (int i = 0; i <= schema.getInteger("maxProperties"); i++) {
          m.put("K" + i, "v");
        }
        return m;
      }));
    }
  }

  static Body edit(JsonObject example, String label, Function<JsonObject, Object> change) {
    JsonObject b = example.copy();
    change.apply(b);
    return new Body(label, b);
  }

  static List<Object> wrongTypes(JsonObject schema) {
    return switch (schema.getString("type", "")) {
      case "string" -> List.of(12345);
      case "integer" -> List.of("12", 1.5);
      case "boolean" -> List.of("yes");
      case "array" -> List.of("x");
      case "object" -> List.of("x");
      default -> List.of();
    };
  }

  /** Values at and past the schema's limits (the validator says which are valid). */
  static List<Object> violations(JsonObject schema) {
    List<Object> out = new ArrayList<>();
    if (schema.containsKey("enum")) {
      out.add("openapi-not-a-value");
    }
    if (schema.containsKey("minimum")) { // each limit and one past it: a limit the hub holds tighter or looser shows
      out.add(schema.getLong("minimum"));
      out.add(schema.getLong("minimum") - 1);
    }
    if (schema.containsKey("maximum")) {
      out.add(schema.getLong("maximum"));
      out.add(schema.getLong("maximum") + 1);
    }
    if (schema.getInteger("minLength", 0) > 0) {
      out.add("");
    }
    if (schema.containsKey("maxLength")) {
      out.add("a".repeat(schema.getInteger("maxLength")));
      out.add("a".repeat(schema.getInteger("maxLength") + 1));
    }
    if (schema.containsKey("pattern")) {
      Pattern p = Pattern.compile(schema.getString("pattern"));
      List.of("!bad", "   ", "a/../b", "/abs", "a//b", "a\\b", "x".repeat(101)).stream()
          .filter(v -> !p.matcher(v).find()).limit(3).forEach(out::add);
    }
    return out;
  }

  // ---- (4) the error contract ------------------------------------------------------------------------------

  @Test
  void everyErrorAnswerIsTheErrorContractWithEveryCodeUnderItsStatus() {
    JsonObject components = doc.getJsonObject("components");
    JsonArray enumCodes = components.getJsonObject("schemas").getJsonObject("ErrorCode").getJsonArray("enum");
    Set<String> all = Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
    assertThat(new TreeSet<>(enumCodes.getList())).as("the ErrorCode enum").isEqualTo(all);

    JsonObject responses = components.getJsonObject("responses");
    Set<String> listed = new TreeSet<>();
    for (String name : responses.fieldNames()) {
      assertThat(name).matches("Error[0-9]{3}");
      int status = Integer.parseInt(name.substring(5));
      JsonObject r = responses.getJsonObject(name);
      JsonObject schema = r.getJsonObject("content").getJsonObject("application/json").getJsonObject("schema");
      assertThat(schema.getJsonArray("allOf")).as(name + " is the error contract")
          .containsExactly(new JsonObject().put("$ref", "#/components/schemas/Error"));
      Set<String> codes = new TreeSet<>(r.getJsonArray("x-reach-error-codes").getList());
      Set<String> expected = Arrays.stream(ErrorCode.values()).filter(c -> c.httpStatus() == status).map(Enum::name)
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(codes).as(name + " lists the codes of status " + status).isEqualTo(expected);
      assertThat(new TreeSet<>(schema.getJsonObject("properties").getJsonObject("error").getJsonObject("properties")
          .getJsonObject("code").getJsonArray("enum").getList())).as(name + " narrows code").isEqualTo(expected);
      listed.addAll(codes);
    }
    assertThat(listed).as("every ErrorCode under its status").isEqualTo(all);

    for (Operation o : operations()) {
      JsonObject rs = o.op().getJsonObject("responses");
      for (String status : rs.fieldNames()) {
        if (status.startsWith("4") || status.startsWith("5")) {
          JsonObject r = rs.getJsonObject(status);
          if (o.op().getString("x-reach-role").equals("none") && r.containsKey("content")
              && !r.containsKey("$ref")) {
            continue; // a health report's own 503 (DOWN), not an error
          }
          assertThat(r.getString("$ref")).as(o + " " + status).isEqualTo("#/components/responses/Error" + status);
        }
      }
    }
  }

  @Test
  void theErrorBodiesTheHubSendsValidateAgainstTheDocument() {
    // a few answers of every kind, on top of the ones the other tests collected
    record(f.get("/api/v1/runs?limit=0"));
    record(f.get("/api/v1/nothing-here"));
    record(f.call(HttpMethod.DELETE, "/api/v1/runs"));
    record(f.get("/admin/api/system-status"));
    record(f.postJson("/api/v1/runs", new JsonObject().put("name", "r").put("jobs", new JsonArray()
        .add(new JsonObject().put("name", "a").put("command", "true")))));
    record(f.postJson("/api/v1/runs", new JsonObject().put("name", "r")));
    List<String> problems = new ArrayList<>();
    assertThat(errorsSeen.keySet()).contains(400, 401, 404, 503);
    errorsSeen.forEach((status, bodies) -> {
      String pointer = DOC + "#/components/responses/Error" + status + "/content/application~1json/schema";
      assertThat(doc.getJsonObject("components").getJsonObject("responses").containsKey("Error" + status))
          .as("status " + status + " is documented").isTrue();
      Schema schema = SCHEMAS.getSchema(SchemaLocation.of(pointer));
      for (JsonObject body : bodies) {
        List<com.networknt.schema.Error> errors = schema.validate(body.encode(), InputFormat.JSON);
        if (!errors.isEmpty()) {
          problems.add(status + " " + body.encode() + ": " + errors);
        }
      }
    });
    assertThat(problems).isEmpty();
  }

  // ---- helpers ---------------------------------------------------------------------------------------------

  static boolean documentedStatus(Operation o, int status) {
    // every operation here is routed, so a 404 or 405 is the handler's and must be documented with it
    return o.op().getJsonObject("responses").containsKey(String.valueOf(status));
  }

  static HubFixture.HttpReply send(Operation o, String uri, JsonObject body) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (o.admin()) {
      headers.set("Authorization", "Bearer " + ADMIN);
    }
    if (body != null) {
      headers.set("Content-Type", "application/json");
    }
    HubFixture.HttpReply reply = f.call(HttpMethod.valueOf(o.method().toUpperCase()), uri, headers,
        body == null ? null : body.toBuffer());
    record(reply);
    return reply;
  }

  static void record(HubFixture.HttpReply reply) {
    if (reply.status() >= 400) {
      errorsSeen.computeIfAbsent(reply.status(), s -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(reply.json());
    }
  }

  static String abbreviate(String s) {
    return s.length() > 160 ? s.substring(0, 160) + "..." : s;
  }
}
