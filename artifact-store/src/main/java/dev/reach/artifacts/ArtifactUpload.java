package dev.reach.artifacts;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * Streams one request body to a temp file while hashing it, with back-pressure and a size limit,
 * then commits it to the blob store. Never holds the whole body in memory. On any failure
 * (too large, client gone, disk error) the temp file is removed and the rest of the body is
 * drained and dropped so that an answer can still be sent.
 */
final class ArtifactUpload {
  private final Vertx vertx;
  private final HttpServerRequest req;
  private final BlobStore blobs;
  private final long maxBytes;
  private final Path temp;
  private final MessageDigest digest = Sha256.newDigest();
  private final Promise<StoredBlob> result = Promise.promise();
  private AsyncFile file;
  private long size;
  private boolean failed;

  private ArtifactUpload(Vertx vertx, HttpServerRequest req, BlobStore blobs, long maxBytes) {
    this.vertx = vertx;
    this.req = req;
    this.blobs = blobs;
    this.maxBytes = maxBytes;
    this.temp = blobs.newTempFile();
  }

  /** Receives the body of {@code req}, which the caller paused before doing anything asynchronous. */
  static Future<StoredBlob> receive(Vertx vertx, HttpServerRequest req, BlobStore blobs, long maxBytes) {
    return new ArtifactUpload(vertx, req, blobs, maxBytes).start();
  }

  private Future<StoredBlob> start() {
    vertx.fileSystem()
        .open(temp.toString(), new OpenOptions().setRead(false).setWrite(true).setCreateNew(true))
        .onSuccess(f -> {
          file = f;
          file.exceptionHandler(this::abort);
          req.exceptionHandler(this::abort);
          req.handler(this::chunk);
          req.endHandler(v -> finish());
          req.resume();
        })
        .onFailure(t -> {
          drain();
          result.tryFail(t);
        });
    return result.future();
  }

  private void chunk(Buffer buf) {
    if (failed) {
      return;
    }
    size += buf.length();
    if (size > maxBytes) {
      abort(new ReachException(ErrorCode.PAYLOAD_TOO_LARGE,
          "artifact is larger than the limit of " + maxBytes + " bytes (REACH_ARTIFACT_MAX_BYTES)"));
      return;
    }
    digest.update(buf.getBytes());
    file.write(buf).onFailure(this::abort);
    if (file.writeQueueFull()) {
      req.pause();
      file.drainHandler(v -> {
        if (!failed) {
          req.resume();
        }
      });
    }
  }

  private void finish() {
    if (failed) {
      return;
    }
    String sha256 = Sha256.hex(digest.digest());
    long total = size;
    // close() waits for the queued writes; commit syncs and renames on a worker thread
    file.close()
        .compose(v -> vertx.executeBlocking(() -> blobs.commit(temp, sha256, total), false))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            result.tryComplete(ar.result());
          } else {
            failed = true;
            removeTemp().onComplete(x -> result.tryFail(ar.cause()));
          }
        });
  }

  private void abort(Throwable t) {
    if (failed) {
      return;
    }
    failed = true;
    drain();
    file.close()
        .transform(x -> removeTemp())
        .onComplete(x -> result.tryFail(t));
  }

  private Future<Void> removeTemp() {
    return vertx.fileSystem().delete(temp.toString()).recover(x -> Future.succeededFuture());
  }

  /** Reads and drops whatever is left of the body. */
  private void drain() {
    RequestBodies.discard(req);
  }
}
