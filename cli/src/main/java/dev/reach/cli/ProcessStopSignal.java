package dev.reach.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * SIGTERM and SIGINT (Ctrl-C) as a {@link StopSignal}. The signals are caught (not left to the
 * JVM's own shutdown) so the command stops its services in order on the main thread and the
 * process exits 0. A shutdown hook covers every other way the JVM may go down (SIGHUP, a JVM run
 * with {@code -Xrs}, {@code System.exit} elsewhere): it requests the stop and waits, bounded, for
 * the command to finish it.
 */
final class ProcessStopSignal implements StopSignal {
  private static final Logger LOG = Logger.getLogger(ProcessStopSignal.class.getName());
  /** How long the shutdown hook holds the JVM for the command's orderly stop. */
  static final long HOOK_WAIT_SECONDS = 300;
  private static volatile boolean jvmShuttingDown;

  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile String reason = "stop requested";
  private final Thread hook;

  private ProcessStopSignal() {
    hook = new Thread(() -> {
      jvmShuttingDown = true;
      request("JVM shutdown");
      try {
        if (!finished.await(HOOK_WAIT_SECONDS, TimeUnit.SECONDS)) {
          LOG.warning("gave up waiting for the orderly stop after " + HOOK_WAIT_SECONDS + " s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "reachctl-shutdown");
  }

  static ProcessStopSignal install() {
    ProcessStopSignal s = new ProcessStopSignal();
    s.handle("TERM");
    s.handle("INT");
    Runtime.getRuntime().addShutdownHook(s.hook);
    return s;
  }

  /** True once the JVM has begun its shutdown (then {@code System.exit} must not be called again). */
  static boolean jvmShuttingDown() {
    return jvmShuttingDown;
  }

  private void request(String why) {
    if (requested.getCount() > 0) {
      reason = why;
      requested.countDown();
    }
  }

  /** {@code sun.misc.Signal.handle(new Signal(name), handler)}, through reflection (jdk.unsupported). */
  private void handle(String name) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance(name);
      InvocationHandler ih = (Object proxy, Method method, Object[] args) -> {
        if (method.getName().equals("handle")) {
          if (requested.getCount() == 0) {
            LOG.info("SIG" + name + " again: already stopping");
          }
          request("SIG" + name);
          return null;
        }
        return switch (method.getName()) {
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          case "toString" -> "reachctl SIG" + name + " handler";
          default -> null;
        };
      };
      Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass}, ih);
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // -Xrs, or no sun.misc.Signal: the shutdown hook still stops everything in order.
      LOG.log(Level.FINE, "cannot catch SIG" + name + "; relying on the shutdown hook", e);
    }
  }

  @Override
  public void await() throws InterruptedException {
    requested.await();
  }

  @Override
  public String reason() {
    return reason;
  }

  @Override
  public void finished() {
    finished.countDown();
    if (!jvmShuttingDown) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutdown began meanwhile; the hook returns at once since finished is counted down
      }
    }
  }
}
