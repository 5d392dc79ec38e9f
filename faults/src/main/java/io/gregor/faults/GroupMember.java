package io.gregor.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One member of the workload's consumer group (classic protocol, eager range assignment, manual
 * commits) on its own thread: it polls, records every record it was given as a {@code read} with
 * its generation, then commits what it processed with {@code commitSync}, one {@code commit}
 * invoke/completion per partition. Each assignment is an {@code assign} event with the generation,
 * member id and the member's whole assignment, so the checker can tell two owners of one partition
 * in one generation.
 *
 * <p>A commit that the group refuses (a rebalance, an old generation) is a {@code fail}; one that
 * timed out is {@code info}. When the consumer itself fails (any other exception from poll) it is
 * closed and a new incarnation joins.
 */
final class GroupMember implements AutoCloseable {
    private final History history;
    private final String bootstrap;
    private final String group;
    private final List<String> topics;
    private final String name;
    private final Thread thread;
    private final AtomicLong incarnations = new AtomicLong();
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, String> current;

    GroupMember(History history, String bootstrap, String group, List<String> topics, String name) {
        this.history = history;
        this.bootstrap = bootstrap;
        this.group = group;
        this.topics = List.copyOf(topics);
        this.name = name;
        this.thread = new Thread(this::run, "gft-" + name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private KafkaConsumer<String, String> newConsumer(String proc) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "gft-" + proc);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, "org.apache.kafka.clients.consumer.RangeAssignor");
        return new KafkaConsumer<>(props);
    }

    private void run() {
        while (running) {
            String proc = name + "." + incarnations.incrementAndGet();
            KafkaConsumer<String, String> consumer = newConsumer(proc);
            current = consumer;
            try {
                consumer.subscribe(topics, new Listener(consumer, proc));
                while (running) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                    if (records.isEmpty()) {
                        continue;
                    }
                    ConsumerGroupMetadata meta = consumer.groupMetadata();
                    Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
                    for (ConsumerRecord<String, String> r : records) {
                        history.append(Op.of(Op.OK, proc, "read").record(r.topic(), r.partition(), r.offset(), r.value())
                            .group(meta.generationId(), meta.memberId()));
                        processed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    }
                    commit(consumer, proc, processed);
                }
            } catch (WakeupException e) {
                // close() woke the poll.
            } catch (RuntimeException e) {
                history.append(Op.of(Op.EVENT, proc, "consumer-error").error(ProducerWorkload.describe(e)));
                sleepQuietly();
            } finally {
                try {
                    consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
                } catch (RuntimeException e) {
                    // Closing a failed consumer may fail again; the next incarnation starts regardless.
                }
            }
        }
    }

    private void commit(KafkaConsumer<String, String> consumer, String proc, Map<TopicPartition, OffsetAndMetadata> offsets) {
        ConsumerGroupMetadata meta = consumer.groupMetadata();
        Map<TopicPartition, Long> ids = new HashMap<>();
        offsets.forEach((tp, om) -> {
            long id = history.nextId();
            ids.put(tp, id);
            history.append(Op.of(Op.INVOKE, proc, "commit").id(id).record(tp.topic(), tp.partition(), om.offset(), null)
                .group(meta.generationId(), meta.memberId()));
        });
        String type;
        String error = null;
        try {
            consumer.commitSync(offsets, Duration.ofSeconds(30));
            type = Op.OK;
        } catch (org.apache.kafka.common.errors.TimeoutException | WakeupException e) {
            type = Op.INFO;
            error = ProducerWorkload.describe(e);
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            type = Op.INFO;
            error = ProducerWorkload.describe(e);
        } catch (RuntimeException e) {
            // CommitFailedException, RebalanceInProgressException and the like: the group refused the commit.
            type = Op.FAIL;
            error = ProducerWorkload.describe(e);
        }
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            TopicPartition tp = e.getKey();
            history.append(Op.of(type, proc, "commit").id(ids.get(tp)).record(tp.topic(), tp.partition(), e.getValue().offset(), null)
                .group(meta.generationId(), meta.memberId()).error(error));
        }
    }

    private final class Listener implements ConsumerRebalanceListener {
        private final KafkaConsumer<String, String> consumer;
        private final String proc;

        Listener(KafkaConsumer<String, String> consumer, String proc) {
            this.consumer = consumer;
            this.proc = proc;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            history.append(Op.of(Op.EVENT, proc, "revoke").parts(keys(partitions)));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            ConsumerGroupMetadata meta = consumer.groupMetadata();
            history.append(Op.of(Op.EVENT, proc, "assign").group(meta.generationId(), meta.memberId()).parts(keys(consumer.assignment())));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            history.append(Op.of(Op.EVENT, proc, "lost").parts(keys(partitions)));
        }
    }

    static List<String> keys(Collection<TopicPartition> partitions) {
        List<String> keys = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            keys.add(tp.topic() + "-" + tp.partition());
        }
        keys.sort(null);
        return keys;
    }

    private static void sleepQuietly() {
        try {
            TimeUnit.SECONDS.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long incarnations() {
        return incarnations.get();
    }

    /** Stops at once, without waiting (after a harness failure). */
    void abort() {
        running = false;
        KafkaConsumer<String, String> c = current;
        if (c != null) {
            c.wakeup();
        }
    }

    /** Stops polling, leaves the group and waits for the thread. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        KafkaConsumer<String, String> c = current;
        if (c != null) {
            c.wakeup();
        }
        thread.join(TimeUnit.SECONDS.toMillis(60));
    }
}
