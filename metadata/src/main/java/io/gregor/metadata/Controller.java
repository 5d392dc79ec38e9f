package io.gregor.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster controller. Every broker runs one; exactly one is active at a time, chosen by a
 * Curator leader latch in ZooKeeper. The active controller holds a new controller epoch, and
 * its partition-state writes are conditional on that epoch still being current, so a deposed
 * controller cannot overwrite its successor's decisions.
 *
 * <p>It reconciles the metadata after every change: creates missing partition states, elects a
 * new leader from the live in-sync replicas when a leader's broker is gone (or, if allowed by
 * {@code unclean.leader.election.enable}, from any live replica), removes dead brokers from ISRs,
 * and carries out topic deletions. All decisions run on one controller thread.
 */
public final class Controller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Controller.class);

    private final int brokerId;
    private final ZkMetadataStore store;
    private final MetadataCache cache;
    private final Predicate<String> uncleanElectionEnabled;
    private final LeaderLatch latch;
    private final ExecutorService thread;
    private final AtomicBoolean reconcileScheduled = new AtomicBoolean();
    private volatile boolean active;
    private volatile int epoch = -1;
    private volatile int epochZkVersion = -1;

    /**
     * @param uncleanElectionEnabled whether a topic allows unclean leader election (topic config
     *                               or broker default)
     */
    public Controller(int brokerId, ZkMetadataStore store, MetadataCache cache, Predicate<String> uncleanElectionEnabled) {
        this.brokerId = brokerId;
        this.store = store;
        this.cache = cache;
        this.uncleanElectionEnabled = uncleanElectionEnabled;
        this.latch = new LeaderLatch(store.curator(), ZkPaths.CONTROLLER_ELECTION, Integer.toString(brokerId));
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gregor-controller");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() throws Exception {
        latch.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                submit(Controller.this::becomeActive);
            }

            @Override
            public void notLeader() {
                active = false;
                log.info("Broker {} is no longer the controller", brokerId);
            }
        });
        cache.addListener((previous, current) -> scheduleReconcile());
        store.removeStaleElectionEntries(brokerId);
        latch.start();
    }

    public boolean isActive() {
        return active;
    }

    public int epoch() {
        return epoch;
    }

    private void becomeActive() {
        try {
            int[] e = store.incrementControllerEpoch();
            epoch = e[0];
            epochZkVersion = e[1];
            store.registerController(brokerId);
            active = latch.hasLeadership();
            log.info("Broker {} is now the controller (epoch {})", brokerId, epoch);
            scheduleReconcile();
        } catch (Exception ex) {
            log.error("Failed to take over as controller", ex);
        }
    }

    private void scheduleReconcile() {
        if (active && reconcileScheduled.compareAndSet(false, true)) {
            submit(() -> {
                reconcileScheduled.set(false);
                if (active) {
                    reconcile(cache.image());
                }
            });
        }
    }

    /** Runs a task on the controller thread, unless the controller is closed. */
    private void submit(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            // Closed: the next controller takes over from the state in ZooKeeper.
        }
    }

    private void reconcile(MetadataImage image) {
        try {
            for (TopicImage topic : image.topics().values()) {
                if (topic.markedForDeletion()) {
                    store.deleteTopic(topic.name());
                    log.info("Deleted topic {}", topic.name());
                    continue;
                }
                boolean wrote = false;
                for (PartitionImage partition : topic.partitions().values()) {
                    wrote |= reconcilePartition(image, topic, partition);
                }
                if (!wrote) {
                    completeReassignments(topic);
                }
            }
        } catch (Exception e) {
            if (!active) {
                return;
            }
            log.warn("Controller reconciliation failed, will retry on the next change: {}", e.toString());
            submit(this::sleepThenRetry);
        }
    }

    private void sleepThenRetry() {
        try {
            TimeUnit.MILLISECONDS.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        scheduleReconcile();
    }

    private boolean reconcilePartition(MetadataImage image, TopicImage topic, PartitionImage partition) throws Exception {
        List<Integer> liveReplicas = new ArrayList<>();
        for (int r : partition.replicas()) {
            if (image.isAlive(r)) {
                liveReplicas.add(r);
            }
        }
        PartitionState state = partition.state();
        if (state == null) {
            if (!liveReplicas.isEmpty()) {
                store.createPartitionState(topic.name(), partition.partition(),
                    new PartitionState(liveReplicas.get(0), 0, liveReplicas, epoch, 0));
                return true;
            }
            return false;
        }
        List<Integer> liveIsr = new ArrayList<>();
        for (int r : state.isr()) {
            // Replicas that are no longer assigned (a cancelled reassignment) leave the ISR too.
            if (image.isAlive(r) && partition.replicas().contains(r)) {
                liveIsr.add(r);
            }
        }
        PartitionState next = null;
        boolean leaderGone = state.leader() == PartitionState.NO_LEADER || !image.isAlive(state.leader())
            || !partition.replicas().contains(state.leader());
        if (leaderGone) {
            List<Integer> candidates = new ArrayList<>();
            for (int r : partition.replicas()) {
                if (liveIsr.contains(r)) {
                    candidates.add(r);
                }
            }
            if (!candidates.isEmpty()) {
                next = state.withLeader(candidates.get(0), liveIsr, epoch);
            } else if (!liveReplicas.isEmpty() && uncleanElectionEnabled.test(topic.name())) {
                log.warn("Unclean leader election for {}-{}: no in-sync replica is alive, electing {} (data may be lost)",
                    topic.name(), partition.partition(), liveReplicas.get(0));
                next = state.withLeader(liveReplicas.get(0), List.of(liveReplicas.get(0)), epoch);
            } else if (state.leader() != PartitionState.NO_LEADER) {
                next = state.withLeader(PartitionState.NO_LEADER, state.isr(), epoch);
            }
        } else if (liveIsr.size() < state.isr().size()) {
            next = state.withIsr(liveIsr);
        }
        if (next != null) {
            boolean written = store.updatePartitionState(topic.name(), partition.partition(), next, partition.stateVersion(), epochZkVersion);
            if (written) {
                log.info("Partition {}-{}: leader {} -> {}, isr {} -> {} (leader epoch {})", topic.name(), partition.partition(),
                    state.leader(), next.leader(), state.isr(), next.isr(), next.leaderEpoch());
            } else if (!latch.hasLeadership()) {
                active = false;
            }
            return true;
        }
        return false;
    }

    /**
     * Finishes the reassignments of a topic whose new replicas have all joined the ISR: the
     * replica set becomes the target, old replicas leave the ISR, and a leader outside the target
     * hands over to one inside it. One conditional ZooKeeper transaction per topic.
     */
    private void completeReassignments(TopicImage topic) throws Exception {
        Map<Integer, List<Integer>> replicas = new java.util.TreeMap<>();
        Map<Integer, List<Integer>> adding = new java.util.TreeMap<>();
        Map<Integer, List<Integer>> removing = new java.util.TreeMap<>();
        Map<Integer, PartitionState> states = new java.util.TreeMap<>();
        Map<Integer, Integer> versions = new java.util.TreeMap<>();
        for (PartitionImage p : topic.partitions().values()) {
            replicas.put(p.partition(), p.replicas());
            adding.put(p.partition(), p.addingReplicas());
            removing.put(p.partition(), p.removingReplicas());
            List<Integer> target = p.targetReplicas();
            if (!p.isReassigning() || p.state() == null || !p.isr().containsAll(target) || target.isEmpty()) {
                continue;
            }
            List<Integer> newIsr = new ArrayList<>();
            for (int r : p.isr()) {
                if (target.contains(r)) {
                    newIsr.add(r);
                }
            }
            PartitionState next = target.contains(p.leader()) ? p.state().withIsr(newIsr)
                : p.state().withLeader(target.stream().filter(newIsr::contains).findFirst().orElse(target.get(0)), newIsr, epoch);
            replicas.put(p.partition(), target);
            adding.remove(p.partition());
            removing.remove(p.partition());
            states.put(p.partition(), next);
            versions.put(p.partition(), p.stateVersion());
        }
        if (states.isEmpty()) {
            return;
        }
        if (store.writeAssignment(topic.name(), topic.id(), replicas, adding, removing, topic.assignmentVersion(), states, versions,
            epochZkVersion)) {
            log.info("Completed the reassignment of {} partition(s) of {}", states.size(), topic.name());
        }
    }

    /**
     * Moves leadership back to preferred replicas when a broker leads less than
     * {@code 100 - imbalancePercent}% of the partitions it prefers ({@code auto.leader.rebalance.enable}).
     */
    void rebalanceLeaders(int imbalancePercent) {
        if (!active) {
            return;
        }
        MetadataImage image = cache.image();
        Map<Integer, List<PartitionRef>> preferredBy = new java.util.HashMap<>();
        for (TopicImage topic : image.topics().values()) {
            for (PartitionImage p : topic.partitions().values()) {
                int preferred = LeaderElection.preferredLeader(p);
                if (preferred >= 0 && p.state() != null) {
                    preferredBy.computeIfAbsent(preferred, b -> new ArrayList<>()).add(new PartitionRef(topic, p));
                }
            }
        }
        for (Map.Entry<Integer, List<PartitionRef>> e : preferredBy.entrySet()) {
            List<PartitionRef> notLed = e.getValue().stream().filter(r -> r.partition().leader() != e.getKey()).toList();
            if (notLed.isEmpty() || notLed.size() * 100 <= e.getValue().size() * imbalancePercent) {
                continue;
            }
            for (PartitionRef r : notLed) {
                if (LeaderElection.canElectPreferred(image, r.partition())) {
                    try {
                        store.updatePartitionState(r.topic().name(), r.partition().partition(), LeaderElection.preferred(r.partition(), epoch),
                            r.partition().stateVersion(), epochZkVersion);
                    } catch (Exception ex) {
                        log.warn("Preferred leader election of {}-{} failed: {}", r.topic().name(), r.partition().partition(), ex.toString());
                    }
                }
            }
            log.info("Rebalanced leadership towards broker {} ({} of {} preferred partitions were led elsewhere)", e.getKey(),
                notLed.size(), e.getValue().size());
        }
    }

    private record PartitionRef(TopicImage topic, PartitionImage partition) {
    }

    /** Starts the periodic leader rebalance on the controller thread. */
    public void enableAutoLeaderRebalance(long intervalMs, int imbalancePercent) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    return;
                }
                submit(() -> rebalanceLeaders(imbalancePercent));
            }
        }, "gregor-leader-rebalance");
        t.setDaemon(true);
        rebalancer = t;
        t.start();
    }

    private volatile Thread rebalancer;

    /** Partition-state writes of this controller are fenced by this ZooKeeper version of {@code /controller_epoch}. */
    public int epochZkVersion() {
        return epochZkVersion;
    }

    @Override
    public void close() {
        active = false;
        Thread t = rebalancer;
        if (t != null) {
            t.interrupt();
        }
        try {
            latch.close(LeaderLatch.CloseMode.SILENT);
        } catch (Exception ignored) {
            // Closing anyway.
        }
        thread.shutdownNow();
    }

    /** For logs and tools. */
    public Map<String, Object> describe() {
        return Map.of("brokerId", brokerId, "active", active, "epoch", epoch);
    }
}
