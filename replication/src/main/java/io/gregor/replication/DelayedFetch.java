package io.gregor.replication;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * A fetch waiting for {@code fetch.min.bytes} (long polling). It re-reads its partitions when one
 * of them changes, and answers with whatever there is when {@code fetch.max.wait.ms} expires.
 * Its work runs on the connection's event loop.
 */
final class DelayedFetch extends DelayedOperation<List<PartitionFetchResult>> {
    private final FetchParams params;
    private final Supplier<List<PartitionFetchResult>> reader;

    DelayedFetch(FetchParams params, Supplier<List<PartitionFetchResult>> reader, ScheduledExecutorService executor) {
        super(executor);
        this.params = params;
        this.reader = reader;
    }

    @Override
    List<PartitionFetchResult> tryComplete() {
        List<PartitionFetchResult> results = reader.get();
        return ReplicaManager.satisfied(params, results) ? results : null;
    }

    @Override
    List<PartitionFetchResult> onExpiration() {
        return reader.get();
    }
}
