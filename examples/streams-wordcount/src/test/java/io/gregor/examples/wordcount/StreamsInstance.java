package io.gregor.examples.wordcount;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.processor.StandbyUpdateListener;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.TaskId;

/**
 * One instance of the word-count application in a JVM of its own, which a test can kill with
 * SIGKILL. Takes {@link WordCountApp}'s arguments and reports on stdout, one event a line:
 *
 * <pre>
 * STATE RUNNING
 * TASKS 0_1,1_1 1_4                     active tasks, then standby tasks ("-" for none)
 * RESTORE_START topic partition startOffset endOffset
 * RESTORE_END topic partition totalRestored
 * STANDBY_START topic partition startOffset
 * </pre>
 */
public final class StreamsInstance {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private StreamsInstance() {
    }

    public static void main(String[] args) throws Exception {
        Properties config = WordCountApp.config(args);
        KafkaStreams streams = new KafkaStreams(WordCountTopology.build(config), config);
        CountDownLatch stopped = new CountDownLatch(1);
        streams.setStateListener((newState, oldState) -> {
            report("STATE " + newState);
            if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        streams.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
                report("RESTORE_START " + partition.topic() + " " + partition.partition() + " " + startingOffset + " " + endingOffset);
            }

            @Override
            public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
            }

            @Override
            public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
                report("RESTORE_END " + partition.topic() + " " + partition.partition() + " " + totalRestored);
            }
        });
        streams.setStandbyUpdateListener(new StandbyUpdateListener() {
            @Override
            public void onUpdateStart(TopicPartition partition, String store, long startingOffset) {
                report("STANDBY_START " + partition.topic() + " " + partition.partition() + " " + startingOffset);
            }

            @Override
            public void onBatchLoaded(TopicPartition partition, String store, TaskId taskId, long batchEndOffset, long batchSize,
                                      long currentEndOffset) {
            }

            @Override
            public void onUpdateSuspended(TopicPartition partition, String store, long storeOffset, long currentEndOffset,
                                          SuspendReason reason) {
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> streams.close(Duration.ofSeconds(10))));
        streams.start();

        String lastTasks = "";
        while (stopped.getCount() > 0) {
            String tasks = tasks(streams);
            if (!tasks.equals(lastTasks)) {
                report("TASKS " + tasks);
                lastTasks = tasks;
            }
            stopped.await(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        System.exit(streams.state() == KafkaStreams.State.ERROR ? 1 : 0);
    }

    private static String tasks(KafkaStreams streams) {
        Set<String> active = new TreeSet<>();
        Set<String> standby = new TreeSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            thread.activeTasks().forEach(t -> active.add(t.taskId().toString()));
            thread.standbyTasks().forEach(t -> standby.add(t.taskId().toString()));
        }
        return join(active) + " " + join(standby);
    }

    private static String join(Set<String> ids) {
        return ids.isEmpty() ? "-" : String.join(",", ids);
    }

    private static synchronized void report(String line) {
        OUT.println(line);
    }
}
