package dev.reach.cli.drill;

import dev.reach.shared.audit.ChainVerifier;
import dev.reach.shared.audit.VerifyReport;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The event log after the drill, as {@code reachctl audit export | reachctl audit verify} sees it: every
 * hash and link, seq continuity and the job lifecycle replayed (only legal transitions, nothing after a
 * terminal state, no completion for a stale lease token, at most one accepted completion per attempt);
 * and the drill's own steps are in it.
 */
final class AuditCheck {
  private AuditCheck() {}

  static List<Check> check(HubClient hub, String drillId) {
    ChainVerifier verifier = new ChainVerifier();
    List<String> steps = new ArrayList<>();
    try (InputStream in = hub.events();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024)) {
      String line;
      while ((line = reader.readLine()) != null && verifier.line(line)) {
        if (line.contains(drillId) && line.contains("\"drill_")) {
          try {
            JsonObject e = new JsonObject(line);
            JsonObject p = e.getJsonObject("payload");
            if (p != null && drillId.equals(p.getString("drill_id"))) {
              steps.add(e.getString("type") + "#" + e.getLong("seq"));
            }
          } catch (DecodeException | ClassCastException ignored) {
            // the verifier reports lines that are not events
          }
        }
      }
    } catch (IOException e) {
      return List.of(new Check("audit log verifies", false, "the export from " + hub.base() + " broke off: " + e.getMessage()));
    }
    VerifyReport report = verifier.finish();
    String summary = report.describe().strip().replace(System.lineSeparator(), "; ");
    return List.of(
        new Check("audit log verifies (chain, lifecycle rules)", report.ok(), summary),
        new Check("drill recorded in the event log", !steps.isEmpty(), steps.isEmpty()
            ? "no drill_* event with drill_id " + drillId : String.join(", ", steps)));
  }
}
