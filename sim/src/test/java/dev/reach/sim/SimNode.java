package dev.reach.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * A simulated process (a JVM): its timers and incoming messages run on its one thread. Frozen
 * (SIGSTOP) it runs nothing — what comes due waits and runs, in order, when it thaws. Killed, it
 * loses everything in memory: what was due for the dead process never runs (a restart is a new
 * process, a new generation).
 */
abstract class SimNode {
  enum Status { UP, FROZEN, DEAD }

  final String name;
  final World world;
  private Status status = Status.DEAD;
  private int generation;
  private int boots;
  private final List<Runnable> thawQueue = new ArrayList<>();

  SimNode(String name, World world) {
    this.name = name;
    this.world = world;
  }

  Status status() {
    return status;
  }

  boolean up() {
    return status == Status.UP;
  }

  boolean dead() {
    return status == Status.DEAD;
  }

  int generation() {
    return generation;
  }

  /** How many times this node's process started. */
  int boots() {
    return boots;
  }

  /** Runs {@code action} on this process after {@code delayMs}, unless the process died meanwhile. */
  void timer(long delayMs, Runnable action) {
    int gen = generation;
    world.scheduler().after(delayMs, () -> runOnNode(gen, action));
  }

  /** Something arrives for this process now (a message, a process event). */
  void deliver(Runnable action) {
    runOnNode(generation, action);
  }

  private void runOnNode(int gen, Runnable action) {
    if (gen != generation || status == Status.DEAD) {
      return;
    }
    if (status == Status.FROZEN) {
      thawQueue.add(action);
      return;
    }
    action.run();
  }

  /** A new process starts (first start or restart). */
  final void boot() {
    generation++;
    boots++;
    thawQueue.clear();
    status = Status.UP;
    onBoot();
  }

  final void freeze() {
    if (status == Status.UP) {
      status = Status.FROZEN;
      onFreeze();
    }
  }

  final void thaw() {
    if (status != Status.FROZEN) {
      return;
    }
    status = Status.UP;
    List<Runnable> due = new ArrayList<>(thawQueue);
    thawQueue.clear();
    int gen = generation;
    for (Runnable r : due) {
      world.scheduler().after(0, () -> runOnNode(gen, r));
    }
  }

  final void kill() {
    if (status == Status.DEAD) {
      return;
    }
    status = Status.DEAD;
    thawQueue.clear();
    generation++;
    onKill();
  }

  /** This process just sent a request. */
  void requestSent() {}

  abstract void onBoot();

  void onFreeze() {}

  abstract void onKill();
}
