package io.gregor.faults;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Injects planned faults into the {@link Cluster} and heals them: resolves the target by role at
 * the moment of injection (with the plan's choice seed for ties), holds the fault for its dwell,
 * heals everything (network rules flushed, paused nodes continued, killed or crashed nodes started
 * again, the disk freed) and waits until the cluster is whole. Every step is an event in the
 * history. Runs on one thread (the suite's main thread).
 */
final class FaultInjector {
    private static final Duration RECOVERY_WAIT = Duration.ofSeconds(180);
    private final Cluster cluster;
    private final History history;
    private final List<String> topics;
    private final String group;
    private final AckClock acks;
    private final List<String> measured;

    /**
     * @param measured partitions that must take a write again before the cluster counts as whole
     *                 (keyed ones: each gets writes all along)
     */
    FaultInjector(Cluster cluster, History history, List<String> topics, String group, AckClock acks, List<String> measured) {
        this.cluster = cluster;
        this.history = history;
        this.topics = List.copyOf(topics);
        this.group = group;
        this.acks = acks;
        this.measured = List.copyOf(measured);
    }

    FaultCycle run(PlannedFault plan) throws Exception {
        Random choice = new Random(plan.choiceSeed());
        List<String> notes = new ArrayList<>();
        Map<String, Integer> leaders = leaders();
        long injectedAt = history.elapsedMs();
        Target target = inject(plan.kind(), choice, notes);
        List<String> led = new ArrayList<>();
        leaders.forEach((tp, leader) -> {
            if (target.broker() >= 0 && leader == target.broker()) {
                led.add(tp);
            }
        });
        Op event = history.append(Op.of(Op.EVENT, "nemesis", "fault").kind(plan.kind().label()).value(target.description()).parts(led));
        System.out.printf("[%6.1f s] fault %s: %s%n", event.t() / 1000.0, plan, target.description());
        Thread.sleep(plan.dwellMs());
        healAll(notes);
        Op healed = history.append(Op.of(Op.EVENT, "nemesis", "heal").kind(plan.kind().label()));
        long recoveredAt = awaitHealthy(RECOVERY_WAIT, healed.t()) ? history.elapsedMs() : -1;
        if (recoveredAt < 0) {
            notes.add("the cluster was not whole again within " + RECOVERY_WAIT.toSeconds() + " s of healing");
        }
        history.append(Op.of(Op.EVENT, "nemesis", recoveredAt < 0 ? "not-recovered" : "recovered").kind(plan.kind().label()));
        return new FaultCycle(plan, target.description(), led, injectedAt, healed.t(), recoveredAt, notes);
    }

    /** What a fault hit: a description for the report, and the broker if it hit one broker (else -1). */
    private record Target(String description, int broker) {
        static Target broker(int id, String what) {
            return new Target(Cluster.brokerNode(id) + what, id);
        }
    }

    /** Injects the fault and returns its target. */
    private Target inject(FaultKind kind, Random choice, List<String> notes) throws Exception {
        switch (kind) {
            case KILL_LEADER -> {
                int b = leaderOfRandomPartition(choice);
                cluster.broker(b).kill();
                return Target.broker(b, " (leader)");
            }
            case KILL_FOLLOWER -> {
                int b = followerOfRandomPartition(choice);
                cluster.broker(b).kill();
                return Target.broker(b, " (follower)");
            }
            case KILL_CONTROLLER -> {
                int b = cluster.controller();
                if (b < 0) {
                    b = choice.nextInt(cluster.brokerCount());
                    notes.add("no controller in ZooKeeper; killed a random broker");
                }
                cluster.broker(b).kill();
                return Target.broker(b, " (controller)");
            }
            case KILL_COORDINATOR -> {
                int b = cluster.coordinator(group);
                if (b < 0) {
                    b = choice.nextInt(cluster.brokerCount());
                    notes.add("FindCoordinator did not answer; killed a random broker");
                }
                cluster.broker(b).kill();
                return Target.broker(b, " (group coordinator)");
            }
            case PAUSE -> {
                boolean leader = choice.nextBoolean();
                int b = leader ? leaderOfRandomPartition(choice) : choice.nextInt(cluster.brokerCount());
                cluster.broker(b).pause();
                return Target.broker(b, leader ? " (leader)" : "");
            }
            case PARTITION_LEADER -> {
                int b = leaderOfRandomPartition(choice);
                for (int other = 0; other < cluster.brokerCount(); other++) {
                    if (other != b) {
                        cluster.network().cut(Cluster.brokerNode(b), Cluster.brokerNode(other));
                    }
                }
                return Target.broker(b, " (leader) cut from the other brokers");
            }
            case PARTITION_ZOOKEEPER -> {
                int b = choice.nextInt(cluster.brokerCount());
                cluster.network().cut(Cluster.brokerNode(b), Cluster.ZK);
                return Target.broker(b, " cut from zk");
            }
            case PARTITION_HALVES -> {
                List<String> nodes = new ArrayList<>(cluster.network().nodes());
                Collections.shuffle(nodes, choice);
                List<String> a = nodes.subList(0, nodes.size() / 2);
                List<String> b = nodes.subList(nodes.size() / 2, nodes.size());
                for (String x : a) {
                    for (String y : b) {
                        cluster.network().cut(x, y);
                    }
                }
                return new Target(String.join(", ", a) + " cut from " + String.join(", ", b), -1);
            }
            case ONE_WAY_DROP -> {
                List<String> nodes = cluster.network().nodes();
                String from = nodes.get(choice.nextInt(nodes.size()));
                String to;
                do {
                    to = nodes.get(choice.nextInt(nodes.size()));
                } while (to.equals(from));
                cluster.network().drop(from, to);
                return new Target(from + " -> " + to + " dropped", from.equals(Cluster.ZK) ? -1 : Integer.parseInt(from.substring(1)));
            }
            case KILL_ZOOKEEPER -> {
                cluster.zookeeper().kill();
                return new Target(Cluster.ZK, -1);
            }
            case DISK_FULL -> {
                if (cluster.disk() == null) {
                    notes.add("no broker on a small filesystem (--disk-mb 0)");
                    return new Target("none", -1);
                }
                long filled = cluster.disk().fill();
                notes.add("filler took " + filled / (1024 * 1024) + " MiB, " + cluster.disk().usableBytes() + " bytes left");
                return Target.broker(cluster.diskBroker(), " log dir full");
            }
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    /** Undoes every fault and starts whatever is down. */
    void healAll(List<String> notes) throws Exception {
        cluster.network().heal();
        if (cluster.disk() != null) {
            try {
                cluster.disk().free();
            } catch (IOException e) {
                notes.add("could not free the disk: " + e.getMessage());
            }
        }
        if (!cluster.zookeeper().isRunning()) {
            history.append(Op.of(Op.EVENT, "nemesis", "start").value(Cluster.ZK));
            cluster.zookeeper().launch();
            try {
                cluster.zookeeper().awaitReady(Duration.ofSeconds(60), () -> Cluster.accepts(cluster.zookeeper().address(), 2181));
            } catch (HarnessException e) {
                notes.add("ZooKeeper did not start again: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        List<NodeProcess> started = new ArrayList<>();
        for (NodeProcess b : cluster.brokers()) {
            if (b.isPaused()) {
                b.resume();
            } else if (!b.isRunning()) {
                history.append(Op.of(Op.EVENT, "nemesis", "start").value(b.name()));
                b.launch();
                started.add(b);
            }
        }
        for (NodeProcess b : started) {
            try {
                b.awaitReady(Duration.ofSeconds(120), null);
            } catch (HarnessException e) {
                notes.add(b.name() + " did not start again: " + e.getMessage().lines().findFirst().orElse(""));
                history.append(Op.of(Op.EVENT, "nemesis", "start-failed").value(b.name()).error(e.getMessage()));
            }
        }
    }

    /**
     * Waits until the cluster is whole: every node up, every ISR full in ZooKeeper and, with
     * {@code writesSince >= 0}, every measured partition has taken a write acknowledged after that
     * time. A node that exits meanwhile (a crash after the heal) is started again, since the wait
     * would otherwise last its whole timeout.
     */
    boolean awaitHealthy(Duration timeout, long writesSince) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (cluster.healthy(topics) && (writesSince < 0 || acks.allSince(measured, writesSince))) {
                return true;
            }
            if (!cluster.zookeeper().isRunning() || cluster.brokers().stream().anyMatch(b -> !b.isRunning())) {
                healAll(new ArrayList<>());
            }
            Thread.sleep(250);
        }
        return false;
    }

    private List<String[]> partitions() throws Exception {
        List<String[]> all = new ArrayList<>();
        for (String topic : topics) {
            for (Integer p : cluster.assignment(topic).keySet()) {
                all.add(new String[] {topic, Integer.toString(p)});
            }
        }
        return all;
    }

    private int leaderOfRandomPartition(Random choice) throws Exception {
        List<String[]> all = partitions();
        String[] tp = all.get(choice.nextInt(all.size()));
        int leader = cluster.partitionState(tp[0], Integer.parseInt(tp[1])).leader();
        return leader >= 0 ? leader : choice.nextInt(cluster.brokerCount());
    }

    private int followerOfRandomPartition(Random choice) throws Exception {
        List<String[]> all = partitions();
        String[] tp = all.get(choice.nextInt(all.size()));
        Cluster.PartitionState s = cluster.partitionState(tp[0], Integer.parseInt(tp[1]));
        List<Integer> followers = new ArrayList<>(s.isr());
        followers.remove(Integer.valueOf(s.leader()));
        if (followers.isEmpty()) {
            followers.addAll(cluster.assignment(tp[0]).get(Integer.parseInt(tp[1])));
            followers.remove(Integer.valueOf(s.leader()));
        }
        return followers.get(choice.nextInt(followers.size()));
    }

    /** The leader of every partition of the workload topics, per ZooKeeper. */
    private Map<String, Integer> leaders() throws Exception {
        Map<String, Integer> leaders = new TreeMap<>();
        for (String topic : topics) {
            for (Integer p : cluster.assignment(topic).keySet()) {
                leaders.put(topic + "-" + p, cluster.partitionState(topic, p).leader());
            }
        }
        return leaders;
    }
}
