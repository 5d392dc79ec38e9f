package io.gregor.metadata.store.zk;

import io.gregor.metadata.store.LogEndsStore;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.common.Uuid;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LogEndsStore} in {@code /gregor/log_ends/<id>/<bucket>} (format in {@link ZkPaths}): a
 * topic's partitions go to bucket {@code floorMod(topicId.hashCode(), 16)}. A read takes the
 * union of whatever buckets exist, so the bucket function is the writer's business alone. The
 * broker's node itself, without data, exists from its first write on, even of nothing.
 *
 * <p>The store remembers the bytes of each bucket as it last read or wrote them, so that a write
 * touches only the buckets whose content changed (none when nothing did); if a write fails half
 * way, it forgets them and reads them again first next time. Each bucket is written on its own:
 * a crash between two leaves the others as they were, which a reader takes for an older record
 * of those topics. Thread-safe; calls block on ZooKeeper.
 */
public final class ZkLogEndsStore implements LogEndsStore {
    static final int BUCKETS = 16;
    private static final Logger log = LoggerFactory.getLogger(ZkLogEndsStore.class);

    private final CuratorFramework zk;
    /** Per broker, bucket → its bytes in ZooKeeper, as last read or written by this store; guarded by this. */
    private final Map<Integer, Map<Integer, byte[]>> known = new HashMap<>();

    public ZkLogEndsStore(CuratorFramework zk) {
        this.zk = zk;
    }

    @Override
    public synchronized Optional<Map<Uuid, Set<Integer>>> recorded(int brokerId) throws Exception {
        Map<Integer, byte[]> buckets = readBuckets(brokerId);
        if (buckets == null) {
            return Optional.empty();
        }
        known.put(brokerId, buckets);
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        for (Map.Entry<Integer, byte[]> bucket : buckets.entrySet()) {
            try {
                ZkData.logEnds(bucket.getValue()).forEach((id, partitions) ->
                    out.computeIfAbsent(id, k -> new TreeSet<>()).addAll(partitions));
            } catch (IllegalArgumentException e) {
                log.warn("Ignoring {}, which is not a list of partitions ({}); it is rewritten at the next change",
                    bucketPath(brokerId, bucket.getKey()), e.getMessage());
            }
        }
        return Optional.of(out);
    }

    @Override
    public synchronized void record(int brokerId, Map<Uuid, Set<Integer>> partitions) throws Exception {
        Map<Integer, Map<Uuid, Set<Integer>>> byBucket = new HashMap<>();
        partitions.forEach((id, numbers) -> {
            if (!numbers.isEmpty()) {
                byBucket.computeIfAbsent(bucketOf(id), b -> new HashMap<>()).put(id, numbers);
            }
        });
        Map<Integer, byte[]> before = known.remove(brokerId);
        if (before == null) {
            before = readBuckets(brokerId);
        }
        if (before == null) {
            try {
                zk.create().creatingParentsIfNeeded().forPath(ZkPaths.logEnds(brokerId));
            } catch (KeeperException.NodeExistsException raced) {
                // Created meanwhile.
            }
            before = new HashMap<>();
        }
        Map<Integer, byte[]> after = new HashMap<>();
        for (Map.Entry<Integer, Map<Uuid, Set<Integer>>> bucket : byBucket.entrySet()) {
            byte[] data = ZkData.logEnds(bucket.getValue());
            if (!Arrays.equals(before.get(bucket.getKey()), data)) {
                zk.create().orSetData().creatingParentsIfNeeded().forPath(bucketPath(brokerId, bucket.getKey()), data);
            }
            after.put(bucket.getKey(), data);
        }
        for (int bucket : before.keySet()) {
            if (!after.containsKey(bucket)) {
                try {
                    zk.delete().forPath(bucketPath(brokerId, bucket));
                } catch (KeeperException.NoNodeException gone) {
                    // Already gone.
                }
            }
        }
        known.put(brokerId, after);
    }

    static int bucketOf(Uuid topicId) {
        return Math.floorMod(topicId.hashCode(), BUCKETS);
    }

    /** The buckets of {@code brokerId}; null when it has no node at all (it never recorded anything). */
    private Map<Integer, byte[]> readBuckets(int brokerId) throws Exception {
        List<String> children;
        try {
            children = zk.getChildren().forPath(ZkPaths.logEnds(brokerId));
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
        Map<Integer, byte[]> buckets = new HashMap<>();
        for (String child : children) {
            int bucket;
            try {
                bucket = Integer.parseInt(child);
            } catch (NumberFormatException e) {
                continue;
            }
            try {
                buckets.put(bucket, zk.getData().forPath(bucketPath(brokerId, bucket)));
            } catch (KeeperException.NoNodeException gone) {
                // Deleted since the listing.
            }
        }
        return buckets;
    }

    private static String bucketPath(int brokerId, int bucket) {
        return ZkPaths.logEnds(brokerId) + "/" + bucket;
    }
}
