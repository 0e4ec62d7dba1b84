package dev.reach.sim;

import java.util.Set;
import java.util.TreeSet;

/** The network split in force: nodes on the far side cannot reach the others (and the other way round). */
final class Partition {
  private final Set<String> farSide = new TreeSet<>();

  void split(Set<String> far) {
    farSide.clear();
    farSide.addAll(far);
  }

  void heal() {
    farSide.clear();
  }

  boolean active() {
    return !farSide.isEmpty();
  }

  boolean cuts(String a, String b) {
    return farSide.contains(a) != farSide.contains(b);
  }

  @Override
  public String toString() {
    return farSide.toString();
  }
}
