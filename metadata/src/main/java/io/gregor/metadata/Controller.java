package io.gregor.metadata;

import io.gregor.metadata.store.ControllerElection;
import io.gregor.metadata.store.ControllerEpoch;
import io.gregor.metadata.store.ControllerStore;
import io.gregor.metadata.store.ReplicaAssignment;
import io.gregor.metadata.store.TopicStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster controller. Every broker runs one; exactly one is active at a time, chosen by the
 * {@link ControllerElection}. The active controller holds a new controller epoch, and its
 * partition-state writes are fenced by that epoch, so a deposed controller cannot overwrite its
 * successor's decisions.
 *
 * <p>It reconciles the metadata after every change: creates missing partition states, elects a
 * new leader from the live in-sync replicas when a leader's broker is gone (or, if allowed by
 * {@code unclean.leader.election.enable}, from any live replica), removes dead brokers from ISRs,
 * completes reassignments and carries out topic deletions. A failed reconciliation is retried
 * {@value #RETRY_BACKOFF_MS} ms later, not earlier.
 *
 * <p>Thread-safety: every decision runs on the injected {@link SerialScheduler}, which this
 * controller owns and closes; {@link #isActive()} and {@link #epoch()} may be read from any thread.
 */
public final class Controller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Controller.class);
    static final long RETRY_BACKOFF_MS = 500;

    private final int brokerId;
    private final ControllerStore controllerStore;
    private final TopicStore topics;
    private final MetadataView metadata;
    private final ControllerElection election;
    private final Predicate<String> uncleanElectionEnabled;
    private final Time time;
    private final SerialScheduler scheduler;
    private final AtomicBoolean reconcileScheduled = new AtomicBoolean();
    private volatile boolean active;
    private volatile int epoch = -1;
    private volatile int epochZkVersion = -1;
    /** Set after a failed reconciliation until its retry is due (scheduler thread only). */
    private boolean backingOff;

    /**
     * @param uncleanElectionEnabled whether a topic allows unclean leader election (topic config
     *                               or broker default)
     * @param scheduler              the controller's thread, closed with the controller
     */
    public Controller(int brokerId, ControllerStore controllerStore, TopicStore topics, MetadataView metadata,
                      ControllerElection election, Predicate<String> uncleanElectionEnabled, Time time, SerialScheduler scheduler) {
        this.brokerId = brokerId;
        this.controllerStore = controllerStore;
        this.topics = topics;
        this.metadata = metadata;
        this.election = election;
        this.uncleanElectionEnabled = uncleanElectionEnabled;
        this.time = time;
        this.scheduler = scheduler;
    }

    public void start() throws Exception {
        metadata.addListener((previous, current) -> scheduleReconcile());
        controllerStore.removeStaleElectionEntries(brokerId);
        election.start(new ControllerElection.Listener() {
            @Override
            public void elected() {
                submit(Controller.this::becomeActive);
            }

            @Override
            public void deposed() {
                active = false;
                log.info("Broker {} is no longer the controller", brokerId);
            }
        });
    }

    public boolean isActive() {
        return active;
    }

    public int epoch() {
        return epoch;
    }

    /** Partition-state writes of this controller are fenced by this version of the controller epoch. */
    public int epochZkVersion() {
        return epochZkVersion;
    }

    private void becomeActive() {
        try {
            ControllerEpoch e = controllerStore.incrementControllerEpoch();
            epoch = e.epoch();
            epochZkVersion = e.version();
            controllerStore.registerController(brokerId, time.milliseconds());
            active = election.hasLeadership();
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
                if (active && !backingOff) {
                    reconcile(metadata.image());
                }
            });
        }
    }

    /** Runs a task on the controller thread, unless the controller is closed. */
    private void submit(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException e) {
            // Closed: the next controller takes over from the stored state.
        }
    }

    private void reconcile(MetadataImage image) {
        try {
            for (TopicImage topic : image.topics().values()) {
                if (topic.markedForDeletion()) {
                    topics.deleteTopic(topic.name());
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
            log.warn("Controller reconciliation failed, will retry in {} ms: {}", RETRY_BACKOFF_MS, e.toString());
            backingOff = true;
            try {
                scheduler.schedule(() -> {
                    backingOff = false;
                    scheduleReconcile();
                }, RETRY_BACKOFF_MS);
            } catch (RejectedExecutionException closed) {
                // The next controller takes over.
            }
        }
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
                topics.createPartitionState(topic.name(), partition.partition(),
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
            boolean written = topics.updatePartitionState(topic.name(), partition.partition(), next, partition.stateVersion(), epochZkVersion);
            if (written) {
                log.info("Partition {}-{}: leader {} -> {}, isr {} -> {} (leader epoch {})", topic.name(), partition.partition(),
                    state.leader(), next.leader(), state.isr(), next.isr(), next.leaderEpoch());
            } else if (!election.hasLeadership()) {
                active = false;
            }
            return true;
        }
        return false;
    }

    /**
     * Finishes the reassignments of a topic whose new replicas have all joined the ISR: the
     * replica set becomes the target, old replicas leave the ISR, and a leader outside the target
     * hands over to one inside it. One conditional write per topic.
     */
    private void completeReassignments(TopicImage topic) throws Exception {
        Map<Integer, List<Integer>> replicas = new TreeMap<>();
        Map<Integer, List<Integer>> adding = new TreeMap<>();
        Map<Integer, List<Integer>> removing = new TreeMap<>();
        Map<Integer, PartitionState> states = new TreeMap<>();
        Map<Integer, Integer> versions = new TreeMap<>();
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
        if (topics.writeAssignment(topic.name(), topic.id(), new ReplicaAssignment(replicas, adding, removing), topic.assignmentVersion(),
            states, versions, epochZkVersion)) {
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
        MetadataImage image = metadata.image();
        Map<Integer, List<PartitionRef>> preferredBy = new HashMap<>();
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
                        topics.updatePartitionState(r.topic().name(), r.partition().partition(), LeaderElection.preferred(r.partition(), epoch),
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

    /** Checks the leader balance every {@code intervalMs}, on the controller thread. */
    public void enableAutoLeaderRebalance(long intervalMs, int imbalancePercent) {
        scheduleRebalance(intervalMs, imbalancePercent);
    }

    private void scheduleRebalance(long intervalMs, int imbalancePercent) {
        try {
            scheduler.schedule(() -> {
                rebalanceLeaders(imbalancePercent);
                scheduleRebalance(intervalMs, imbalancePercent);
            }, intervalMs);
        } catch (RejectedExecutionException closed) {
            // Closed: no more rebalancing.
        }
    }

    @Override
    public void close() {
        active = false;
        election.close();
        scheduler.close();
    }

    /** For logs and tools. */
    public Map<String, Object> describe() {
        return Map.of("brokerId", brokerId, "active", active, "epoch", epoch);
    }
}
