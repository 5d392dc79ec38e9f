package io.gregor.faults;

/** The faults the suite injects; {@link FaultSchedule} runs each once per round, in a seeded order. */
enum FaultKind {
    /** SIGKILL the leader of a random partition, restart it after the dwell. */
    KILL_LEADER("kill-leader"),
    /** SIGKILL a follower (in the ISR) of a random partition. */
    KILL_FOLLOWER("kill-follower"),
    /** SIGKILL the controller ({@code /controller} in ZooKeeper). */
    KILL_CONTROLLER("kill-controller"),
    /** SIGKILL the workload group's coordinator (FindCoordinator). */
    KILL_COORDINATOR("kill-coordinator"),
    /** SIGSTOP a leader or a random broker for longer than the ZooKeeper session timeout, then SIGCONT. */
    PAUSE("pause"),
    /** Cut a partition's leader from the other brokers, both ways; it still reaches ZooKeeper and the clients. */
    PARTITION_LEADER("partition-leader"),
    /** Cut a random broker from ZooKeeper only, for longer than the session timeout. */
    PARTITION_ZOOKEEPER("partition-zookeeper"),
    /** Split ZooKeeper and the brokers into two halves that cannot reach each other. */
    PARTITION_HALVES("partition-halves"),
    /** Drop the packets one node sends to another (ZooKeeper or a broker), one way only. */
    ONE_WAY_DROP("one-way-drop"),
    /** SIGKILL ZooKeeper, restart it after the dwell. */
    KILL_ZOOKEEPER("kill-zookeeper"),
    /** Fill the log dir of the broker on the small filesystem, free it after the dwell. */
    DISK_FULL("disk-full");

    private final String label;

    FaultKind(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The kind with this label (as in the report and the history). */
    static FaultKind of(String label) {
        for (FaultKind k : values()) {
            if (k.label.equals(label)) {
                return k;
            }
        }
        throw new IllegalArgumentException("no fault kind '" + label + "'");
    }
}
