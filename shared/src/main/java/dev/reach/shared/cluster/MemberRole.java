package dev.reach.shared.cluster;

/**
 * How a JVM joins the Hazelcast cluster. Data members own partitions of the cluster's maps (the
 * event-bus subscriber lists, the node directory, lock state); lite members use them without
 * holding any. Runners join as lite members: they are the members drills kill and restart most
 * and the ones busiest running jobs, and a member that holds no partitions never takes part in a
 * migration, so losing or freezing one moves no data and cannot leave a partition migrating.
 */
public enum MemberRole {
  /** Owns partitions: orchestrators, the hub, the artifact store, the one-JVM local mode. */
  DATA,
  /** Owns none: runners. A cluster needs at least one data member before a lite member can register anything. */
  LITE
}
