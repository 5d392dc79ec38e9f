package io.gregor.coordinator.group;

import io.gregor.coordinator.runtime.CoordinatorResult;
import io.gregor.coordinator.runtime.LogPartitionWriter;
import io.gregor.coordinator.runtime.ManualTaskScheduler;
import io.gregor.coordinator.runtime.ShardRunner;
import io.gregor.testsupport.ManualTime;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * Drives one {@link GroupShard} the way the broker does, through the coordinator runtime's
 * {@link ShardRunner} (operations return records, the records are appended to a real log and
 * replayed, then the response is given), but synchronously on the test's thread with a manual
 * clock: no threads, no sleeps. Creating a driver loads the shard from the writer's log, so a
 * second driver over the same writer is a coordinator that took over the partition.
 */
final class ShardDriver {
    static final TopicPartition PARTITION = new TopicPartition(GroupCoordinator.OFFSETS_TOPIC, 7);

    private final ShardRunner<GroupShard> runner;
    private final GroupShard[] shard = new GroupShard[1];
    private final Offsets offsets = new Offsets();

    ShardDriver(GroupConfig config, ManualTime time, ManualTaskScheduler scheduler, LogPartitionWriter writer) {
        this.runner = new ShardRunner<>(PARTITION, 0, context -> shard[0] = new GroupShard(config, context), writer, Runnable::run,
            scheduler, time);
        try {
            runner.load(writer.log());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T now(CompletableFuture<T> future) {
        return future.join();
    }

    CompletableFuture<JoinGroupResponseData> joinGroup(JoinGroupRequestData request, short version, String clientId, String clientHost) {
        return runner.write(request.groupId(), s -> s.joinGroup(request, version, clientId, clientHost)).thenCompose(Function.identity());
    }

    CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request, short version) {
        return runner.write(request.groupId(), s -> s.syncGroup(request, version)).thenCompose(Function.identity());
    }

    Errors heartbeat(String groupId, String memberId, String instanceId, int generation) {
        return now(runner.write(groupId, s -> CoordinatorResult.respond(s.heartbeat(groupId, memberId, instanceId, generation))));
    }

    Errors leave(String groupId, String memberId, String instanceId, String reason) {
        return now(runner.write(groupId, s -> s.leave(groupId, List.of(new GroupCoordinator.Leaving(memberId, instanceId, reason)))))
            .getValue().get(0);
    }

    /** The group's state as the shard holds it (the test runs on the shard's thread). */
    ClassicGroup group(String groupId) {
        return shard[0].group(groupId);
    }

    /** The partition moved away: the runner stops and the shard answers whoever waits. */
    void unload() {
        runner.close();
    }

    Offsets offsets() {
        return offsets;
    }

    /** The offset operations of the shard. */
    final class Offsets {
        CompletableFuture<OffsetOps.CommitResult> commit(String groupId, int generation, String memberId, String instanceId, long retentionMs,
                                                         Map<TopicPartition, OffsetOps.Commit> commits) {
            return runner.write(groupId, s -> s.offsets.commit(groupId, generation, memberId, instanceId, retentionMs, commits));
        }

        Map<TopicPartition, OffsetAndMetadata> fetch(String groupId, List<TopicPartition> partitions) {
            return now(runner.read(s -> s.offsets.fetch(groupId, partitions)));
        }

        CompletableFuture<Errors> deleteGroup(String groupId) {
            return runner.write(groupId, s -> s.offsets.deleteGroup(groupId));
        }

        CompletableFuture<Integer> expire() {
            return runner.write(null, s -> s.offsets.expire());
        }
    }
}
