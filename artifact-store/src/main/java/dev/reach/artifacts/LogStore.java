package dev.reach.artifacts;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Attempt logs on disk: appends by offset (a retried chunk is not written twice, a gap is
 * refused), the size cap, sealing, and reads by offset while a log grows.
 *
 * <p>Owned by one event loop (the store verticle's): the per-log states live in a plain map and
 * every mutation happens on that loop; blocking file work runs on worker threads via
 * {@code executeBlocking} and hands its result back. Appends to one log are serialised.
 */
final class LogStore {
  /** Sealed logs, and logs never written (a reader polled them), leave memory after this idle time. */
  static final Duration IDLE_SEALED = Duration.ofSeconds(60);
  /** Unsealed logs (a writer may come back) leave memory after this idle time; they are rebuilt from the file. */
  static final Duration IDLE_OPEN = Duration.ofMinutes(10);

  private final Vertx vertx;
  private final StoreLayout layout;
  private final ArtifactRepository repo;
  private final LogCap cap;
  private final LeaseFence fence;
  private final Map<LogKey, LogState> states = new HashMap<>();

  LogStore(Vertx vertx, StoreLayout layout, ArtifactRepository repo, LogCap cap) {
    this.vertx = vertx;
    this.layout = layout;
    this.repo = repo;
    this.cap = cap;
    this.fence = new LeaseFence(repo);
  }

  Path file(LogKey key) {
    return layout.logFile(key);
  }

  /**
   * Appends {@code chunk} at {@code offset}, then seals when asked. A chunk wholly below the bytes
   * received is a retry and writes nothing; one starting above them is a gap
   * ({@link LogOffsetMismatchException}), except on a truncated log where everything is dropped anyway.
   * Fenced: refused with {@code STALE_LEASE}, writing nothing, unless {@code token} holds the
   * attempt's current lease ({@link LeaseFence}).
   */
  Future<AppendResult> append(LogKey key, long token, long offset, Buffer chunk, boolean seal) {
    return withState(key, st -> st.serial.submit(() -> fencedAppend(st, token, offset, chunk, seal)));
  }

  /**
   * One lease check, then the append. A seal that brings no new bytes skips the separate check:
   * its fenced seal statement is the check (one round trip for the common final request).
   */
  private Future<AppendResult> fencedAppend(LogState st, long token, long offset, Buffer chunk, boolean seal) {
    boolean sealOnly = seal && st.seal == null && st.exists && offset <= st.received
        && offset + chunk.length() <= st.received;
    if (sealOnly) {
      return seal(st, token);
    }
    return fence.check(st.key, token).compose(v -> appendNow(st, token, offset, chunk, seal));
  }

  /** What readers see of the log now. */
  Future<LogView> view(LogKey key) {
    return withState(key, st -> Future.succeededFuture(st.view()));
  }

  /** Up to {@code max} bytes from {@code offset}; an empty slice when the log does not exist yet. */
  Future<LogSlice> read(LogKey key, long offset, int max) {
    return withState(key, st -> {
      LogView v = st.view();
      long len = Math.max(0, Math.min(max, v.stored() - offset));
      if (!v.exists() || len == 0) {
        return Future.succeededFuture(new LogSlice(Buffer.buffer(), offset, v.stored(), v.sealed()));
      }
      return vertx.executeBlocking(() -> LogFiles.read(st.file, offset, (int) len), false)
          .map(data -> new LogSlice(data, offset, v.stored(), v.sealed()));
    });
  }

  /** Drops idle states from memory; returns how many. Call on the store's event loop. */
  int evictIdle() {
    long now = System.nanoTime();
    int evicted = 0;
    for (Iterator<LogState> it = states.values().iterator(); it.hasNext(); ) {
      LogState st = it.next();
      if (st.pending > 0 || !st.loaded) {
        continue;
      }
      Duration ttl = st.seal != null || !st.exists ? IDLE_SEALED : IDLE_OPEN;
      if (now - st.lastUsedNanos > ttl.toNanos()) {
        it.remove();
        evicted++;
      }
    }
    return evicted;
  }

  /** Drops the cached states of these jobs' logs (their files were purged). Call on the store's event loop. */
  void forget(java.util.Collection<UUID> jobIds) {
    if (jobIds.isEmpty()) {
      return;
    }
    java.util.Set<UUID> ids = new java.util.HashSet<>(jobIds);
    states.keySet().removeIf(k -> ids.contains(k.jobId()));
  }

  int openLogs() {
    return states.size();
  }

  private <T> Future<T> withState(LogKey key, Function<LogState, Future<T>> work) {
    LogState st = states.computeIfAbsent(key, k -> new LogState(k, layout.logFile(k)));
    st.pending++;
    st.touch();
    if (st.loading == null) {
      st.loading = load(st).andThen(ar -> {
        if (ar.succeeded()) {
          st.loaded = true;
        } else {
          states.remove(key, st);
        }
      });
    }
    return st.loading.compose(v -> work.apply(st)).andThen(ar -> {
      st.pending--;
      st.touch();
    });
  }

  /**
   * Rebuilds a state: a missing file is a new log (no query: the hot path); an existing one is
   * sealed if its row says so, else its bytes are read once for the digest and truncation flag.
   */
  private Future<Void> load(LogState st) {
    return vertx.executeBlocking(() -> LogFiles.size(st.file), false).compose(size -> {
      if (size < 0) {
        st.exists = false;
        st.digest = Sha256.newDigest();
        return Future.succeededFuture();
      }
      return repo.findLogSeal(st.key).compose(seal -> {
        if (seal != null) {
          st.exists = true;
          st.stored = size;
          st.received = Math.max(size, seal.size());
          st.truncated = seal.truncated();
          st.seal = seal;
          return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> LogFiles.scan(st.file), false).map(scan -> {
          st.exists = true;
          st.stored = scan.size();
          st.received = scan.size();
          st.truncated = scan.truncated();
          st.digest = scan.digest();
          return null;
        });
      });
    });
  }

  private Future<AppendResult> appendNow(LogState st, long token, long offset, Buffer chunk, boolean seal) {
    long end = offset + chunk.length();
    if (st.seal != null) {
      if (end <= st.received || st.truncated) {
        // a retry of the sealing request (past the cap every byte is dropped, so any chunk is one)
        return Future.succeededFuture(AppendResult.of(st));
      }
      return Future.failedFuture(new ReachException(ErrorCode.INVALID_REQUEST,
          "log " + st.key + " is sealed at " + st.received + " bytes; no more appends are accepted", "offset"));
    }
    if (offset > st.received && !st.truncated) {
      return Future.failedFuture(new LogOffsetMismatchException(st.key, offset, st.received));
    }
    Buffer fresh = end <= st.received
        ? Buffer.buffer()
        : chunk.slice((int) Math.max(0, st.received - offset), chunk.length());
    long received = Math.max(st.received, end);
    LogCap.Plan plan = cap.plan(st.stored, st.truncated, fresh);
    Future<Void> written;
    if (plan.writesNothing() && st.exists) {
      written = Future.succeededFuture();
    } else {
      long position = st.stored;
      MessageDigest digest = st.digest;
      written = vertx.executeBlocking(() -> LogFiles.write(st.file, position, plan, digest), false)
          .map(stored -> {
            st.stored = stored;
            st.exists = true;
            st.truncated |= plan.marker() != null;
            return null;
          });
    }
    return written.compose(v -> {
      st.received = received;
      return seal ? seal(st, token) : Future.succeededFuture(AppendResult.of(st));
    });
  }

  private Future<AppendResult> seal(LogState st, long token) {
    LogSeal seal = new LogSeal(st.stored, Sha256.peekHex(st.digest), st.truncated);
    return repo.sealLog(st.key, token, seal).compose(recorded -> {
      if (!recorded) {
        return Future.failedFuture(StaleLease.of(st.key, token));
      }
      st.seal = seal;
      st.digest = null;
      return Future.succeededFuture(AppendResult.of(st));
    });
  }
}
