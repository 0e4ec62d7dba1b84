package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Strict reads of query parameters; a bad value is {@code INVALID_REQUEST} naming the parameter. */
final class QueryParams {
  private QueryParams() {}

  /** The single value of {@code name}, or null when absent. */
  static String single(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw invalid(name, "query parameter '" + name + "' must be given once");
    }
    return values.get(0);
  }

  static Integer optionalInt(RoutingContext ctx, String name, int min, int max) {
    String v = single(ctx, name);
    if (v == null) {
      return null;
    }
    try {
      long l = Long.parseLong(v);
      if (l >= min && l <= max) {
        return (int) l;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw invalid(name, "query parameter '" + name + "' must be an integer between " + min + " and " + max);
  }

  static boolean optionalBoolean(RoutingContext ctx, String name) {
    String v = single(ctx, name);
    if (v == null || v.equals("false")) {
      return false;
    }
    if (v.equals("true")) {
      return true;
    }
    throw invalid(name, "query parameter '" + name + "' must be true or false");
  }

  /**
   * A route handler refusing any query parameter not in {@code allowed} ({@code INVALID_REQUEST} naming
   * it): every endpoint's query is as strict as its body.
   */
  static io.vertx.core.Handler<RoutingContext> only(String... allowed) {
    java.util.Set<String> names = java.util.Set.of(allowed);
    String list = names.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(names));
    return ctx -> {
      io.vertx.core.MultiMap params;
      try {
        params = ctx.queryParams();
      } catch (IllegalArgumentException e) {
        throw new ReachException(ErrorCode.INVALID_REQUEST, "malformed query string (bad percent-encoding)");
      }
      for (String name : params.names()) {
        if (!names.contains(name)) {
          String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
          throw invalid(shown, "unknown query parameter '" + shown + "'; allowed: " + list);
        }
      }
      ctx.next();
    };
  }

  static ReachException invalid(String name, String message) {
    return new ReachException(ErrorCode.INVALID_REQUEST, message, name);
  }
}
