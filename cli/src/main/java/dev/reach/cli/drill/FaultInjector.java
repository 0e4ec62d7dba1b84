package dev.reach.cli.drill;

import java.time.Duration;
import java.util.List;

/**
 * How a drill reaches the cluster's members to hurt them: the Docker engine for a compose project
 * ({@link ComposeFaults}), signals for processes on this host ({@link LocalFaults}). An operation a
 * target cannot do throws {@link DrillException} saying so.
 */
public interface FaultInjector {
  /** The target, for reports ("compose project reach", "local processes"). */
  String describe();

  /** The members with this role, in a stable order. */
  List<Member> members(Role role);

  /** The member that serves the orchestrator node {@code nodeId} (the leader's id), or null. */
  Member orchestrator(String nodeId);

  /** The member that is the runner {@code runnerId} (as attempts name it), or null. */
  Member runner(String runnerId);

  /** SIGKILL: the member dies at once, with everything it runs. */
  void kill(Member m);

  /** Starts a killed member again (as a supervisor or a host reboot would). */
  void start(Member m);

  /** A graceful restart: SIGTERM, the member drains and exits, then it is started again. */
  void restart(Member m);

  /** Freezes every process of the member: no signal it can handle, no exit, it just stops answering. */
  void pause(Member m);

  void unpause(Member m);

  /** Cuts the member off the cluster's network (it keeps running, alone). */
  void disconnect(Member m);

  void reconnect(Member m);

  /** Waits until the member is healthy again; false when it is not within {@code timeout}. */
  boolean awaitHealthy(Member m, Duration timeout) throws InterruptedException;

  /** The directory drill jobs lock and stamp in, as the jobs see it (shared by every runner). */
  String jobDir();

  /** The contents of the stamp files whose names start with {@code prefix}, each line prefixed by the file's key. */
  String readStamps(String prefix);
}
