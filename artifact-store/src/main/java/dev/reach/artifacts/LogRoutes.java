package dev.reach.artifacts;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/logs/{job_id}/{attempt}?token&offset[&seal]} appends (and seals);
 * {@code GET /v1/logs/{job_id}/{attempt}?offset&max} reads by offset while the log grows.
 */
final class LogRoutes {
  static final String SIZE_HEADER = "Reach-Log-Size";
  static final String SEALED_HEADER = "Reach-Log-Sealed";
  static final long DEFAULT_READ_BYTES = 1024 * 1024;
  static final String OCTETS = "application/octet-stream";

  private final LogStore logs;
  private final long maxChunkBytes;

  LogRoutes(LogStore logs, long maxChunkBytes) {
    this.logs = logs;
    this.maxChunkBytes = maxChunkBytes;
  }

  void mount(Router router) {
    router.post("/v1/logs/:job_id/:attempt").handler(this::append);
    router.get("/v1/logs/:job_id/:attempt").handler(this::read);
  }

  private void append(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    LogKey key;
    long token;
    long offset;
    boolean seal;
    try {
      key = RequestParams.logKey(ctx.pathParam("job_id"), ctx.pathParam("attempt"));
      token = RequestParams.token(req.getParam("token"));
      offset = RequestParams.required(req.getParam("offset"), "offset");
      seal = RequestParams.flag(req.getParam("seal"), "seal");
    } catch (ReachException e) {
      HttpReplies.error(ctx.response(), e);
      return;
    }
    BoundedBody.read(req, maxChunkBytes)
        .compose(body -> logs.append(key, token, offset, body, seal))
        .onSuccess(r -> HttpReplies.json(ctx.response(), r.toJson()))
        .onFailure(t -> HttpReplies.error(ctx.response(), t));
  }

  private void read(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    LogKey key;
    long offset;
    long max;
    try {
      key = RequestParams.logKey(ctx.pathParam("job_id"), ctx.pathParam("attempt"));
      offset = RequestParams.nonNegative(req.getParam("offset"), "offset", 0);
      max = RequestParams.nonNegative(req.getParam("max"), "max", DEFAULT_READ_BYTES);
    } catch (ReachException e) {
      HttpReplies.error(ctx.response(), e);
      return;
    }
    logs.view(key).onComplete(ar -> {
      if (ar.failed()) {
        HttpReplies.error(ctx.response(), ar.cause());
        return;
      }
      LogView v = ar.result();
      if (!v.exists()) {
        HttpReplies.error(ctx.response(), new ReachException(ErrorCode.LOG_NOT_FOUND, "no log for attempt " + key));
        return;
      }
      long len = Math.max(0, Math.min(max, v.stored() - offset));
      HttpServerResponse resp = ctx.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, OCTETS)
          .putHeader(SIZE_HEADER, Long.toString(v.stored()))
          .putHeader(SEALED_HEADER, Boolean.toString(v.sealed()));
      if (len == 0) {
        resp.end();
      } else {
        resp.sendFile(logs.file(key).toString(), offset, len).onFailure(t -> HttpReplies.error(resp, t));
      }
    });
  }
}
