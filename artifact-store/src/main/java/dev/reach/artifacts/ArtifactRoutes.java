package dev.reach.artifacts;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.health.Lifecycle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code PUT /v1/artifacts/{job_id}/{attempt}/{path...}?token} streams an upload,
 * {@code GET} of the same path streams it back, {@code GET /v1/artifacts/{job_id}/{attempt}} lists.
 *
 * <p>An upload is fenced ({@link LeaseFence}) before its body is read and again when its row is
 * written; while the store drains it is refused with {@code 503 SHUTTING_DOWN}.
 *
 * <p>Mounted as the router's first route and matched on the raw request path: the router's
 * normalised path would already have resolved a {@code ..} segment that must be refused.
 */
final class ArtifactRoutes {
  static final String SHA256_HEADER = "Reach-Artifact-Sha256";

  private final Vertx vertx;
  private final BlobStore blobs;
  private final ArtifactRepository repo;
  private final ArtifactListing listing;
  private final LeaseFence fence;
  private final Lifecycle lifecycle;
  private final long maxArtifactBytes;

  ArtifactRoutes(Vertx vertx, BlobStore blobs, ArtifactRepository repo, ArtifactListing listing, Lifecycle lifecycle,
      long maxArtifactBytes) {
    this.vertx = vertx;
    this.blobs = blobs;
    this.repo = repo;
    this.listing = listing;
    this.fence = new LeaseFence(repo);
    this.lifecycle = lifecycle;
    this.maxArtifactBytes = maxArtifactBytes;
  }

  void mount(Router router) {
    router.route().handler(this::dispatch);
  }

  private void dispatch(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String raw = req.path();
    if (raw == null || !raw.startsWith(ArtifactRequestPath.PREFIX)) {
      ctx.next();
      return;
    }
    ArtifactRequestPath target;
    try {
      target = ArtifactRequestPath.parse(raw);
    } catch (ReachException e) {
      HttpReplies.error(ctx.response(), e);
      return;
    }
    HttpMethod method = req.method();
    if (target.path() == null && method.equals(HttpMethod.GET)) {
      list(ctx, target.key());
    } else if (target.path() != null && method.equals(HttpMethod.PUT)) {
      upload(ctx, target);
    } else if (target.path() != null && method.equals(HttpMethod.GET)) {
      download(ctx, target);
    } else {
      HttpReplies.error(ctx.response(), new ReachException(ErrorCode.METHOD_NOT_ALLOWED,
          method + " is not allowed on " + (target.path() == null ? "an artifact listing" : "an artifact")));
    }
  }

  private void upload(RoutingContext ctx, ArtifactRequestPath target) {
    HttpServerRequest req = ctx.request();
    long token;
    try {
      if (lifecycle.isDraining()) {
        throw new ReachException(ErrorCode.SHUTTING_DOWN, "the artifact store is shutting down; retry the upload later");
      }
      token = RequestParams.token(req.getParam("token"));
      String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (length != null && RequestParams.nonNegative(length, "Content-Length", 0) > maxArtifactBytes) {
        throw tooLarge();
      }
    } catch (ReachException e) {
      HttpReplies.error(ctx.response(), e);
      return;
    }
    req.pause();
    fence.check(target.key(), token)
        .onFailure(t -> {
          RequestBodies.discard(req);
          HttpReplies.error(ctx.response(), t);
        })
        .onSuccess(v -> {
          if (ctx.response().closed()) {
            return; // the client went away during the check: nothing to receive, nobody to answer
          }
          ArtifactUpload.receive(vertx, req, blobs, maxArtifactBytes)
              .compose(blob -> record(target, token, blob))
              .onSuccess(file -> HttpReplies.json(ctx.response(), file.toJson()))
              .onFailure(t -> HttpReplies.error(ctx.response(), t));
        });
  }

  /** The file's row, fenced again: the lease may have moved on while the body streamed in. */
  private Future<ArtifactFile> record(ArtifactRequestPath target, long token, StoredBlob blob) {
    ArtifactFile file = new ArtifactFile(target.path(), blob.sha256(), blob.size());
    return repo.upsertArtifact(target.key(), token, file).compose(recorded -> recorded
        ? Future.succeededFuture(file)
        : Future.failedFuture(StaleLease.of(target.key(), token)));
  }

  private ReachException tooLarge() {
    return new ReachException(ErrorCode.PAYLOAD_TOO_LARGE,
        "artifact is larger than the limit of " + maxArtifactBytes + " bytes (REACH_ARTIFACT_MAX_BYTES)");
  }

  private void download(RoutingContext ctx, ArtifactRequestPath target) {
    HttpServerResponse resp = ctx.response();
    repo.findArtifact(target.key(), target.path()).onComplete(ar -> {
      if (ar.failed()) {
        HttpReplies.error(resp, ar.cause());
        return;
      }
      ArtifactFile file = ar.result();
      if (file == null) {
        HttpReplies.error(resp, new ReachException(ErrorCode.NOT_FOUND,
            "no artifact '" + target.path() + "' for attempt " + target.key()));
        return;
      }
      resp.putHeader(HttpHeaders.CONTENT_TYPE, LogRoutes.OCTETS).putHeader(SHA256_HEADER, file.sha256());
      resp.sendFile(blobs.path(file.sha256()).toString()).onFailure(t -> HttpReplies.error(resp, t));
    });
  }

  private void list(RoutingContext ctx, LogKey key) {
    listing.list(key)
        .onSuccess((JsonObject body) -> HttpReplies.json(ctx.response(), body))
        .onFailure(t -> HttpReplies.error(ctx.response(), t));
  }
}
