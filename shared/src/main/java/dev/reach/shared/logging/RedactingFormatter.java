package dev.reach.shared.logging;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * Wraps the formatter of a java.util.logging handler so that everything it writes passes through
 * {@link Redactor}: the message after its parameters are filled in, the thrown exception's message,
 * its causes and its stack trace — the whole formatted record, so a secret cannot slip through a
 * part the delegate formats on its own.
 */
public final class RedactingFormatter extends Formatter {
  private final Formatter delegate;

  public RedactingFormatter(Formatter delegate) {
    this.delegate = delegate;
  }

  /** Puts a redacting formatter around {@code handler}'s own (once; a redacting one stays as it is). */
  public static <H extends Handler> H install(H handler) {
    Formatter current = handler.getFormatter();
    if (!(current instanceof RedactingFormatter)) {
      handler.setFormatter(new RedactingFormatter(current == null ? new java.util.logging.SimpleFormatter() : current));
    }
    return handler;
  }

  @Override
  public String format(LogRecord r) {
    return Redactor.redact(delegate.format(r));
  }

  @Override
  public String getHead(Handler h) {
    return Redactor.redact(delegate.getHead(h));
  }

  @Override
  public String getTail(Handler h) {
    return Redactor.redact(delegate.getTail(h));
  }

  public Formatter delegate() {
    return delegate;
  }
}
