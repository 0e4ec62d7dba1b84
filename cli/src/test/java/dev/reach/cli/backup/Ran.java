package dev.reach.cli.backup;

import dev.reach.cli.ReachCtl;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What one in-process reachctl invocation returned and printed. */
record Ran(int code, String out, String err) {
  JsonObject json() {
    return new JsonObject(out);
  }

  /** Runs reachctl with {@code args} and {@code env} as its environment, capturing both streams. */
  static Ran reachctl(String[] args, Map<String, String> env) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ReachCtl.execute(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
