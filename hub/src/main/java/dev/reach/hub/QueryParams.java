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

  static ReachException invalid(String name, String message) {
    return new ReachException(ErrorCode.INVALID_REQUEST, message, name);
  }
}
