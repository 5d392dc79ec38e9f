package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.blockhound.BlockHound;

/**
 * No request blocks a network event loop. BlockHound instruments the JDK's blocking calls
 * (sleeps, waits, parking, file and socket I/O) and reports any made on a Netty event-loop
 * thread; the broker runs in this JVM and Kafka clients drive every kind of request through it,
 * including appends that roll a segment and appends that fsync ({@code flush.messages=1}).
 *
 * <p>Allowed on the event loop by design, and only there: the positional write of a validated
 * batch into the page cache and the positional reads of batch headers and indexes, which take
 * microseconds and cost less than handing the request to another thread would.
 *
 * <p>Runs in its own failsafe execution (BlockHound changes the whole JVM).
 */
class EventLoopBlockingIT {
    private static final List<String> blocked = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void installBlockHound() {
        Assumptions.assumeTrue(Boolean.getBoolean("gregor.blockhound"), "runs in the event-loop-blocking execution only");
        BlockHound.builder()
            .loadIntegrations()
            // BlockHound knows java.io and sockets; NIO file channels and file-system calls are ours to name.
            .markAsBlocking("sun.nio.ch.FileChannelImpl", "force", "(Z)V")
            .markAsBlocking("sun.nio.ch.FileChannelImpl", "truncate", "(J)Ljava/nio/channels/FileChannel;")
            .markAsBlocking("sun.nio.ch.FileChannelImpl", "map",
                "(Ljava/nio/channels/FileChannel$MapMode;JJ)Ljava/nio/MappedByteBuffer;")
            .markAsBlocking("sun.nio.ch.FileChannelImpl", "write", "(Ljava/nio/ByteBuffer;J)I")
            .markAsBlocking("sun.nio.ch.FileChannelImpl", "read", "(Ljava/nio/ByteBuffer;J)I")
            .markAsBlocking("sun.nio.ch.FileChannelImpl", "write", "(Ljava/nio/ByteBuffer;)I")
            .markAsBlocking("sun.nio.ch.FileChannelImpl", "read", "(Ljava/nio/ByteBuffer;)I")
            .markAsBlocking("sun.nio.fs.UnixNativeDispatcher", "open0", "(JII)I")
            .markAsBlocking("sun.nio.fs.UnixNativeDispatcher", "rename0", "(JJ)V")
            .markAsBlocking("sun.nio.fs.UnixNativeDispatcher", "unlink0", "(J)V")
            .markAsBlocking("sun.nio.fs.UnixNativeDispatcher", "mkdir0", "(JI)V")
            .allowBlockingCallsInside("io.gregor.storage.log.LogSegment", "append")
            .allowBlockingCallsInside("io.gregor.storage.log.HeaderReader", "locate")
            .allowBlockingCallsInside("io.gregor.storage.log.LogSegment", "readBytes")
            // Recorded, not thrown, so that one test reports every blocking call; the callback itself must not block.
            .blockingMethodCallback(method -> blocked.add(Thread.currentThread().getName() + " blocked in " + method + "\n"
                + stack(new Throwable())))
            .install();
    }

    private static String stack(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("io.gregor") || e.getClassName().startsWith("java.util.concurrent")) {
                out.append("    at ").append(e).append('\n');
            }
        }
        return out.toString();
    }

    @Test
    void shouldSeeABlockingCallOnAnEventLoop() throws Exception {
        io.netty.channel.EventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
            new io.netty.util.concurrent.DefaultThreadFactory("probe", true), io.netty.channel.nio.NioIoHandler.newFactory());
        try {
            group.submit(() -> {
                Thread.sleep(1);
                java.nio.file.Path file = java.nio.file.Files.createTempFile("gregor-probe", ".tmp");
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.force(false);
                }
                java.nio.file.Files.delete(file);
                return null;
            }).get(10, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        assertThat(blocked).as("probe").anyMatch(b -> b.contains("sleep"));
        assertThat(blocked).anyMatch(b -> b.contains("force")).anyMatch(b -> b.contains("open0"));
        blocked.clear();
    }

    @RegisterExtension
    static final GregorBrokerExtension broker = GregorBrokerExtension.withConfig("group.initial.rebalance.delay.ms", "0",
        "auto.create.topics.enable", "true");

    @Test
    void shouldServeEveryKindOfRequestWithoutBlockingAnEventLoop() throws Exception {
        broker.createTopic("rolling", 3, Map.of("segment.bytes", "1048576"));
        broker.createTopic("synced", 1, Map.of("flush.messages", "1"));
        Map<String, Object> idempotent = Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, 0);
        KafkaProducer<String, String> producer = broker.producer(idempotent);
        String value = "v".repeat(1000);
        for (int i = 0; i < 4000; i++) {
            producer.send(new ProducerRecord<>("rolling", i % 3, "k" + i, value));
            if (i % 10 == 0) {
                producer.send(new ProducerRecord<>("synced", "k" + i, value));
            }
        }
        producer.send(new ProducerRecord<>("auto-created", "k", "v")).get(30, TimeUnit.SECONDS);
        producer.flush();
        // Compressed batches are walked record by record on the event loop, and recompressed for an lz4 topic.
        broker.createTopic("recompressed", 1, Map.of("compression.type", "lz4", "compression.lz4.level", "12"));
        for (String codec : List.of("gzip", "snappy", "lz4", "zstd")) {
            KafkaProducer<String, String> compressing = broker.producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec));
            for (int i = 0; i < 200; i++) {
                compressing.send(new ProducerRecord<>("rolling", i % 3, "k" + i, value));
                compressing.send(new ProducerRecord<>("recompressed", "k" + i, value));
            }
            compressing.flush();
        }

        Map<String, Object> group = new HashMap<>();
        group.put(ConsumerConfig.GROUP_ID_CONFIG, "blocking-check");
        group.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        group.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, String> consumer = broker.consumer(group);
        consumer.subscribe(List.of("rolling", "synced"));
        int read = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (read < 5200 && System.nanoTime() < deadline) {
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
            read += records.count();
            consumer.commitSync();
        }
        assertThat(read).as("4000 + 4 x 200 compressed records on rolling, 400 on synced").isEqualTo(5200);
        consumer.close(Duration.ofSeconds(5));

        var admin = broker.admin();
        TopicPartition rolling0 = new TopicPartition("rolling", 0);
        admin.listOffsets(Map.of(rolling0, OffsetSpec.forTimestamp(System.currentTimeMillis() - 60_000))).all().get();
        admin.listOffsets(Map.of(rolling0, OffsetSpec.maxTimestamp())).all().get();
        admin.deleteRecords(Map.of(rolling0, RecordsToDelete.beforeOffset(10))).all().get();
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "rolling");
        admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"),
            AlterConfigOp.OpType.SET)))).all().get();
        admin.describeConfigs(List.of(topic)).all().get();
        admin.createPartitions(Map.of("rolling", NewPartitions.increaseTo(4))).all().get();
        admin.listConsumerGroupOffsets("blocking-check").partitionsToOffsetAndMetadata().get();
        admin.describeConsumerGroups(List.of("blocking-check")).all().get();
        admin.deleteConsumerGroups(List.of("blocking-check")).all().get();
        admin.describeLogDirs(List.of(broker.broker().brokerId())).allDescriptions().get();
        admin.deleteTopics(List.of("auto-created")).all().get();

        assertThat(blocked).as("blocking calls on event loops").isEmpty();
    }
}
