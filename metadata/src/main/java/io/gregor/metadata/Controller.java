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
                thread.execute(Controller.this::becomeActive);
            }

            @Override
            public void notLeader() {
                active = false;
                log.info("Broker {} is no longer the controller", brokerId);
            }
        });
        cache.addListener((previous, current) -> scheduleReconcile());
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
            execute(() -> {
                reconcileScheduled.set(false);
                if (active) {
                    reconcile(cache.image());
                }
            });
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
                for (PartitionImage partition : topic.partitions().values()) {
                    reconcilePartition(image, topic, partition);
                }
            }
        } catch (Exception e) {
            if (!active) {
                // close() interrupts the thread while it writes; a controller that is closing or has
                // lost the leadership has nothing to retry (and its executor may be shut down).
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            log.warn("Controller reconciliation failed, will retry on the next change: {}", e.toString());
            execute(this::sleepThenRetry);
        }
    }

    /** Runs {@code task} on the controller thread, unless the controller is closing. */
    private void execute(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException closing) {
            // close() shut the executor down: the task is moot.
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

    private void reconcilePartition(MetadataImage image, TopicImage topic, PartitionImage partition) throws Exception {
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
            }
            return;
        }
        List<Integer> liveIsr = new ArrayList<>();
        for (int r : state.isr()) {
            if (image.isAlive(r)) {
                liveIsr.add(r);
            }
        }
        PartitionState next = null;
        if (state.leader() == PartitionState.NO_LEADER || !image.isAlive(state.leader())) {
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
        }
    }

    /** Partition-state writes of this controller are fenced by this ZooKeeper version of {@code /controller_epoch}. */
    public int epochZkVersion() {
        return epochZkVersion;
    }

    @Override
    public void close() {
        active = false;
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
