package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a request body nested deeper than {@code maxDepth} or holding a JSON string longer than
 * {@code maxStringChars} ({@code 400 INVALID_REQUEST}) before anything parses it: one pass over the
 * bytes, so a hostile body costs no more than its size (already capped by the body limit). Bodies that
 * are not JSON at all pass through to the parser, which refuses them with its own error.
 */
final class JsonLimits implements Handler<RoutingContext> {
  private final int maxDepth;
  private final int maxStringChars;

  JsonLimits(int maxDepth, int maxStringChars) {
    this.maxDepth = maxDepth;
    this.maxStringChars = maxStringChars;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    if (body != null) {
      check(body);
    }
    ctx.next();
  }

  void check(Buffer body) {
    int depth = 0;
    boolean inString = false;
    boolean escaped = false;
    long stringChars = 0;
    for (int i = 0, n = body.length(); i < n; i++) {
      byte b = body.getByte(i);
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (b == '\\') {
          escaped = true;
        } else if (b == '"') {
          inString = false;
          continue;
        }
        // count characters, not bytes: UTF-8 continuation bytes (10xxxxxx) do not start one
        if ((b & 0xC0) != 0x80 && ++stringChars > maxStringChars) {
          throw new ReachException(ErrorCode.INVALID_REQUEST, "request body holds a JSON string longer than "
              + maxStringChars + " characters");
        }
        continue;
      }
      switch (b) {
        case '"' -> {
          inString = true;
          stringChars = 0;
        }
        case '{', '[' -> {
          if (++depth > maxDepth) {
            throw new ReachException(ErrorCode.INVALID_REQUEST, "request body is nested deeper than " + maxDepth
                + " levels");
          }
        }
        case '}', ']' -> depth = Math.max(0, depth - 1);
        default -> { }
      }
    }
  }
}
