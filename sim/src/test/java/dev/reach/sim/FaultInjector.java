package dev.reach.sim;

/** Puts a seed's fault schedule on its event queue; every fault heals by itself at its end. */
final class FaultInjector {
  private final World world;
  private int outages;
  private int splits;

  FaultInjector(World world) {
    this.world = world;
  }

  void scheduleAll() {
    for (Fault f : world.plan().faults()) {
      world.tally().count("faults injected: " + f.kind());
      world.scheduler().at(world.startMs() + f.atMs(), () -> begin(f));
      if (f.durationMs() > 0 && !f.armed()) {
        world.scheduler().at(world.startMs() + f.endMs(), () -> end(f));
      }
    }
  }

  private void begin(Fault f) {
    world.trace().add("fault", "begins: " + f.describe());
    long now = world.scheduler().now();
    switch (f.kind()) {
      case MESSAGE_LOSS, MESSAGE_DUPLICATION, MESSAGE_DELAY ->
          world.network().faults().open(f.kind(), now, now + f.durationMs(), f.p(), f.extraMs());
      case RUNNER_FREEZE -> {
        if (f.armed()) {
          world.runners().get(f.target()).armFreeze(f.durationMs());
        } else {
          world.runners().get(f.target()).freeze();
        }
      }
      case RUNNER_KILL -> world.runners().get(f.target()).kill();
      case ORCHESTRATOR_FREEZE -> world.orchestrators().get(f.target()).freeze();
      case ORCHESTRATOR_KILL -> world.orchestrators().get(f.target()).kill();
      case PARTITION -> split(f);
      case DATABASE_OUTAGE -> {
        outages++;
        world.database().down(true);
      }
      case LEADER_LOCK_LOST -> {
        SimOrchestrator holder = world.lock().holder();
        if (holder != null) {
          world.lock().memberLost(holder, holder.generation());
        }
      }
      case LEADER_STEP_DOWN -> {
        SimOrchestrator holder = world.lock().holder();
        if (holder != null) {
          holder.stopInOrder();
          world.scheduler().after(f.durationMs(), () -> {
            if (holder.dead()) {
              holder.boot();
            }
          });
        }
      }
    }
  }

  private void end(Fault f) {
    switch (f.kind()) {
      case RUNNER_FREEZE -> world.runners().get(f.target()).thaw();
      case RUNNER_KILL -> {
        if (world.runners().get(f.target()).dead()) {
          world.runners().get(f.target()).boot();
        }
      }
      case ORCHESTRATOR_FREEZE -> world.orchestrators().get(f.target()).thaw();
      case ORCHESTRATOR_KILL -> {
        if (world.orchestrators().get(f.target()).dead()) {
          world.orchestrators().get(f.target()).boot();
        }
      }
      case PARTITION -> {
        if (--splits == 0) {
          world.network().partition().heal();
        }
      }
      case DATABASE_OUTAGE -> {
        if (--outages == 0) {
          world.database().down(false);
        }
      }
      default -> {
        return;
      }
    }
    world.trace().add("fault", "ends: " + f.kind() + (f.target() >= 0 ? " " + f.target() : ""));
  }

  /**
   * A split: what crosses it is dropped. After Hazelcast's member timeout each side has removed the
   * other's members, so the side without the lock holder sees the lock free (the holder still holds it).
   */
  private void split(Fault f) {
    splits++;
    world.network().partition().split(f.farSide());
    world.scheduler().after(SimConfig.MEMBER_TIMEOUT_MS, () -> {
      SimOrchestrator holder = world.lock().holder();
      if (holder == null || !world.network().partition().active()) {
        return;
      }
      for (SimOrchestrator o : world.orchestrators()) {
        if (o != holder && world.network().partition().cuts(o.name, holder.name)) {
          world.lock().memberLost(holder, holder.generation());
          return;
        }
      }
    });
  }
}
