package dev.reach.it;

import java.util.Map;

/**
 * The tokens of the cluster tests, which run with auth on as a deployment does: an admin token
 * ({@code REACH_ADMIN_TOKEN}, sent with every API request the tests make) and the runners' join token
 * ({@code REACH_RUNNER_JOIN_TOKEN}, set on orchestrators and runners alike).
 */
public final class ItTokens {
  public static final String ADMIN = "it-admin-token-0123456789abcdef";
  public static final String JOIN = "it-join-token-0123456789abcdef";

  private ItTokens() {}

  /** The two variables, for a member's environment. */
  public static Map<String, String> env() {
    return Map.of("REACH_ADMIN_TOKEN", ADMIN, "REACH_RUNNER_JOIN_TOKEN", JOIN);
  }

  public static String bearer() {
    return "Bearer " + ADMIN;
  }
}
