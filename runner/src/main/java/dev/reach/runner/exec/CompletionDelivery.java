package dev.reach.runner.exec;

import dev.reach.runner.journal.CompletionJournal;
import dev.reach.runner.retry.Backoff;
import dev.reach.shared.bus.CompletionOutcome;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.ExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers completions until the orchestrator answers them: journaled durably first, sent, sent
 * again with capped exponential backoff (full jitter) for as long as the failure is retryable
 * (database down, breaker open, orchestrator unreachable, timeout, ...), and removed from the
 * journal once answered — accepted, already accepted, or refused as stale all settle it. Only a
 * refusal that no retry can change (or an internal error that persists) gives up, and says so.
 * After {@link #close()} nothing is sent any more; what was not answered stays journaled for the
 * next incarnation. Runs on the runner's context.
 */
public final class CompletionDelivery {
  private static final Logger LOG = Logger.getLogger(CompletionDelivery.class.getName());
  /** An internal error may be a passing fault of one orchestrator, or a bug: tried a few times, not forever. */
  private static final int INTERNAL_TRIES = 8;

  /** How a delivery ended. */
  public enum Settlement {
    ACCEPTED,
    ALREADY_ACCEPTED,
    /** Refused: the lease is no longer current (nothing changed on the orchestrator). */
    STALE,
    /** Refused for a reason no retry can change; given up (logged). */
    REFUSED,
    /** The runner stopped before an answer came; the completion stays journaled. */
    ABANDONED
  }

  private final Context context;
  private final OrchestratorClient orchestrator;
  private final CompletionJournal journal;
  private final ExecutorService io;
  private final String incarnation;
  private final Backoff backoff;
  private volatile boolean closed;

  public CompletionDelivery(Context context, OrchestratorClient orchestrator, CompletionJournal journal, ExecutorService io,
      String incarnation, Backoff backoff) {
    this.context = context;
    this.orchestrator = orchestrator;
    this.journal = journal;
    this.io = io;
    this.incarnation = incarnation;
    this.backoff = backoff;
  }

  /** Journals {@code report}, then sends it until it settles. */
  public Future<Settlement> deliver(CompletionReport report) {
    return Blocking.on(io, context, () -> {
          journal.write(report, incarnation);
          return true;
        })
        .recover(t -> {
          LOG.log(Level.SEVERE, "the completion of job " + report.jobId() + " (token " + report.token()
              + ") could not be journaled; sending it anyway, but a crash now would lose it", t);
          return Future.succeededFuture(false);
        })
        .compose(journaled -> send(report));
  }

  /** Sends a completion that is already journaled (left by an earlier incarnation) until it settles. */
  public Future<Settlement> resend(CompletionReport report) {
    return send(report);
  }

  /** The completions journaled and not answered yet (this incarnation's and its predecessors'), read off the loop. */
  public Future<java.util.List<dev.reach.runner.journal.JournalEntry>> journaled() {
    return Blocking.on(io, context, journal::entries);
  }

  /** Stops sending: pending deliveries end {@link Settlement#ABANDONED} at their next try. */
  public void close() {
    closed = true;
  }

  private Future<Settlement> send(CompletionReport report) {
    Promise<Settlement> settled = Promise.promise();
    attempt(report, 1, settled);
    return settled.future().compose(s -> s == Settlement.ABANDONED ? Future.succeededFuture(s) : unjournal(report).map(s));
  }

  private void attempt(CompletionReport report, int tryNo, Promise<Settlement> settled) {
    if (closed) {
      settled.tryComplete(Settlement.ABANDONED);
      return;
    }
    orchestrator.complete(report).onComplete(ar -> {
      if (ar.succeeded()) {
        if (tryNo > 1) {
          LOG.info("completion of job " + report.jobId() + " (token " + report.token() + ") delivered on try " + tryNo);
        }
        settled.tryComplete(ar.result() == CompletionOutcome.ALREADY_ACCEPTED ? Settlement.ALREADY_ACCEPTED : Settlement.ACCEPTED);
        return;
      }
      ReachException e = BusErrors.classify(ar.cause());
      if (e.code() == ErrorCode.STALE_LEASE || e.code() == ErrorCode.STALE_GENERATION) {
        LOG.info("completion of job " + report.jobId() + " (token " + report.token() + ", reason " + report.reason().wire()
            + ") refused as stale: " + e.getMessage());
        settled.tryComplete(Settlement.STALE);
      } else if (e.retryable() || (e.code() == ErrorCode.INTERNAL && tryNo < INTERNAL_TRIES)) {
        if (tryNo == 1 || tryNo % 10 == 0) {
          LOG.info("completion of job " + report.jobId() + " (token " + report.token() + ") not delivered yet (try " + tryNo
              + ", " + e.code() + ": " + e.getMessage() + "); retrying");
        }
        context.owner().setTimer(Math.max(1, backoff.delay(tryNo)), t -> attempt(report, tryNo + 1, settled));
      } else {
        LOG.warning("completion of job " + report.jobId() + " (token " + report.token() + ") given up after " + tryNo
            + " tries: " + e.code() + ": " + e.getMessage());
        settled.tryComplete(Settlement.REFUSED);
      }
    });
  }

  private Future<Void> unjournal(CompletionReport report) {
    return Blocking.on(io, context, () -> {
          journal.remove(report.token());
          return (Void) null;
        })
        .recover(t -> {
          LOG.log(Level.WARNING, "journal entry of token " + report.token() + " not removed (it will be re-sent and refused)", t);
          return Future.succeededFuture();
        });
  }
}
