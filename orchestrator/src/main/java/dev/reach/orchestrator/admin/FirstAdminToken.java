package dev.reach.orchestrator.admin;

import dev.reach.orchestrator.store.AdminStore;
import dev.reach.shared.auth.TokenHash;
import io.vertx.core.Future;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * The first admin token, made sure of at every orchestrator start: {@code REACH_ADMIN_TOKEN}'s hash
 * is stored when it is set; otherwise, when no admin token exists yet, one is generated and printed
 * once to the console ({@code console}, standard output) — never through the logger, so never into a
 * log file. Only the SHA-256 is stored.
 */
public final class FirstAdminToken {
  private static final Logger LOG = Logger.getLogger(FirstAdminToken.class.getName());

  private FirstAdminToken() {}

  public static Future<Void> ensure(AdminStore store, String configured, PrintStream console) {
    if (configured != null) {
      return store.ensureEnvironmentToken(TokenHash.sha256(configured)).map(added -> {
        if (added) {
          LOG.info("admin token from REACH_ADMIN_TOKEN stored (hashed)");
        }
        return null;
      });
    }
    String token = TokenValues.generate();
    return store.generateFirstToken(TokenHash.sha256(token)).map(made -> {
      if (made) {
        console.println();
        console.println("==> Reach admin token (shown once, stored hashed; keep it):");
        console.println("    " + token);
        console.println("    use it as:  Authorization: Bearer <token>  on /admin/api/...");
        console.println();
        console.flush();
        LOG.info("generated the first admin token and printed it to the console (not logged)");
      }
      return null;
    });
  }
}
