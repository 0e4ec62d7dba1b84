package dev.reach.cli.logging;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.Marker;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One SLF4J logger over a java.util.logging logger of the same name. */
final class JulLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;
  private final transient Logger jul;

  JulLogger(String name) {
    this.name = name;
    this.jul = Logger.getLogger(name);
  }

  @Override
  public boolean isTraceEnabled() {
    return jul.isLoggable(Level.FINEST);
  }

  @Override
  public boolean isDebugEnabled() {
    return jul.isLoggable(Level.FINE);
  }

  @Override
  public boolean isInfoEnabled() {
    return jul.isLoggable(Level.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return jul.isLoggable(Level.WARNING);
  }

  @Override
  public boolean isErrorEnabled() {
    return jul.isLoggable(Level.SEVERE);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      org.slf4j.event.Level level, Marker marker, String pattern, Object[] args, Throwable thrown) {
    Level julLevel = switch (level) {
      case ERROR -> Level.SEVERE;
      case WARN -> Level.WARNING;
      case INFO -> Level.INFO;
      case DEBUG -> Level.FINE;
      case TRACE -> Level.FINEST;
    };
    if (!jul.isLoggable(julLevel)) {
      return;
    }
    LogRecord r = new LogRecord(julLevel, MessageFormatter.basicArrayFormat(pattern, args));
    r.setLoggerName(name);
    r.setThrown(thrown);
    jul.log(r);
  }
}
