package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile peers against a broker process ({@code bin/gregor start}, 256 MB heap): 200
 * connections each announce a 100 MB request (Kafka's {@code socket.request.max.bytes}), send a
 * few bytes of it and stall. The broker must not buffer what was announced, only what arrived:
 * its resident memory (VmRSS of the process) may grow by at most
 * {@value #MAX_GROWTH_PER_CONNECTION} bytes per stalled connection (printed as measured), a
 * producer and a consumer on other connections keep working meanwhile, and each stalled
 * connection is closed once {@code socket.request.receive.timeout.ms} (short here) has passed.
 * Peers that really send megabytes are bounded by {@code queued.max.request.bytes} instead.
 */
class StalledRequestsIT {
    private static final int STALLED_CONNECTIONS = 200;
    private static final int ANNOUNCED_BYTES = 104_857_600;
    private static final int SENT_BYTES = 16;
    /** The bound asserted: 256 KiB per stalled connection (50 MiB for 200). */
    private static final long MAX_GROWTH_PER_CONNECTION = 256 * 1024;
    private static final long RECEIVE_TIMEOUT_MS = 15_000;
    private static final String TOPIC = "alongside";
    private static final long POOL_BYTES = 16 * 1024 * 1024;
    private static final int SENDING_PEERS = 24;
    private static final int SENT_PER_PEER = 8 * 1024 * 1024;
    /**
     * The bound asserted with the pool: what the pool lets connections hold (the pool plus the one
     * connection past it, whose buffer is at most four times the 8 MiB it sent) twice over,
     * because a buffer that grew leaves its smaller predecessors cached in Netty's pooled
     * allocator, plus 16 MiB for what the 24 connections and the JVM add besides: 112 MiB, against
     * 192 MiB sent (and up to four times that in buffers without the pool).
     */
    private static final long MAX_GROWTH_WITH_POOL = 2 * (POOL_BYTES + 4L * SENT_PER_PEER) + 16 * 1024 * 1024;
    private static final int RECORDS = 2_000;

    @TempDir
    Path workDir;

    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> writers = new ArrayList<>();
    private GregorProcess broker;
    private int port;

    private void startBroker(String... overrides) throws Exception {
        port = FreePorts.pick();
        List<String> settings = new ArrayList<>(List.of(
            "listeners=PLAINTEXT://127.0.0.1:" + port,
            "zookeeper.embedded.port=" + FreePorts.pick(),
            "socket.request.receive.timeout.ms=" + RECEIVE_TIMEOUT_MS));
        settings.addAll(List.of(overrides));
        broker = GregorProcess.start(workDir, "gregor.log", settings);
        try (Admin admin = Clients.admin(bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        for (Thread writer : writers) {
            writer.join(10_000);
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldHoldOnlyWhatArrivedAndKeepServingWhenManyPeersAnnounce100MbAndStall() throws Exception {
        // Given a broker that has served a producer and a consumer (heap, pools and compiled code at their working size)
        startBroker();
        produceAndConsume(0);
        produceAndConsume(1);
        long before = rssBytes();

        // When 200 peers announce 100 MB each, send 16 bytes and stall
        long stalledAt = System.nanoTime();
        for (int i = 0; i < STALLED_CONNECTIONS; i++) {
            Socket socket = new Socket();
            sockets.add(socket);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.getOutputStream().write(ByteBuffer.allocate(4 + SENT_BYTES).putInt(ANNOUNCED_BYTES).array());
            socket.getOutputStream().flush();
        }

        // Then clients on other connections keep working, and the broker's memory barely moves
        long peak = rssBytes();
        for (int round = 2; round < 5; round++) {
            produceAndConsume(round);
            peak = Math.max(peak, rssBytes());
        }
        long growth = peak - before;
        System.out.printf("StalledRequestsIT: VmRSS %d KiB before, %d KiB at most with %d stalled connections: "
                + "%+d KiB in total, %+.1f KiB per connection (bound %d KiB)%n",
            before / 1024, peak / 1024, STALLED_CONNECTIONS, growth / 1024, growth / 1024.0 / STALLED_CONNECTIONS,
            MAX_GROWTH_PER_CONNECTION / 1024);
        assertThat(growth).as("VmRSS growth with %d stalled connections (bytes)", STALLED_CONNECTIONS)
            .isLessThanOrEqualTo(STALLED_CONNECTIONS * MAX_GROWTH_PER_CONNECTION);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalledAt))
            .as("the checks ran before the receive timeout (otherwise they proved nothing)").isLessThan(RECEIVE_TIMEOUT_MS);
        for (Socket socket : sockets) {
            assertThat(isOpen(socket)).as("a stalled connection before the receive timeout").isTrue();
        }

        // And after the receive timeout each stalled connection is closed by the broker
        long deadline = stalledAt + TimeUnit.MILLISECONDS.toNanos(RECEIVE_TIMEOUT_MS + 20_000);
        for (Socket socket : sockets) {
            assertThat(closedByPeer(socket, deadline)).as("stalled connection closed by the broker").isTrue();
        }
        assertThat(broker.isAlive()).isTrue();
        assertThat(broker.output().lines().filter(l -> l.contains("socket.request.receive.timeout.ms")).count())
            .as("one log line per connection closed for its receive timeout").isEqualTo(STALLED_CONNECTIONS);
        produceAndConsume(5);
    }

    @Test
    void shouldHoldNoMoreThanQueuedMaxRequestBytesWhenPeersSendMegabytesOfRequestsAndStall() throws Exception {
        // Given a broker whose request memory is bounded at 16 MiB
        startBroker("queued.max.request.bytes=" + POOL_BYTES);
        produceAndConsume(0);
        produceAndConsume(1);
        long before = rssBytes();

        // When 24 peers each announce 100 MB and send 8 MiB of it (192 MiB in all), then stall
        long stalledAt = System.nanoTime();
        for (int i = 0; i < SENDING_PEERS; i++) {
            Socket socket = new Socket();
            sockets.add(socket);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            Thread writer = new Thread(() -> sendPartOfAHugeRequest(socket), "hostile-writer-" + i);
            writer.setDaemon(true);
            writer.start();
            writers.add(writer);
        }

        // Then the broker stops reading them once the bound is reached, and holds about the bound
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.output().contains("Request memory is used up"));
        long peak = rssBytes();
        for (int sample = 0; sample < 10; sample++) {
            Thread.sleep(200);
            peak = Math.max(peak, rssBytes());
        }
        long growth = peak - before;
        System.out.printf("StalledRequestsIT: VmRSS %d KiB before, %d KiB at most with %d peers holding %d MiB of requests: "
                + "%+d KiB (bound %d KiB)%n", before / 1024, peak / 1024, SENDING_PEERS, SENDING_PEERS * SENT_PER_PEER >> 20,
            growth / 1024, MAX_GROWTH_WITH_POOL / 1024);
        assertThat(growth).as("VmRSS growth with queued.max.request.bytes=%d (bytes)", POOL_BYTES)
            .isLessThanOrEqualTo(MAX_GROWTH_WITH_POOL);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalledAt)).isLessThan(RECEIVE_TIMEOUT_MS);

        // And once the receive timeout has closed them, the memory serves clients again
        long deadline = stalledAt + TimeUnit.MILLISECONDS.toNanos(RECEIVE_TIMEOUT_MS + 20_000);
        for (Socket socket : sockets) {
            assertThat(closedByPeer(socket, deadline)).as("hostile connection closed by the broker").isTrue();
        }
        produceAndConsume(2);
        assertThat(broker.isAlive()).isTrue();
    }

    /** Announces {@value #ANNOUNCED_BYTES} bytes and writes {@value #SENT_PER_PEER} of them, until the broker closes the socket. */
    private static void sendPartOfAHugeRequest(Socket socket) {
        byte[] chunk = new byte[64 * 1024];
        try {
            OutputStream out = socket.getOutputStream();
            out.write(ByteBuffer.allocate(4).putInt(ANNOUNCED_BYTES).array());
            for (int sent = 0; sent < SENT_PER_PEER; sent += chunk.length) {
                out.write(chunk);
            }
            out.flush();
        } catch (IOException e) {
            // Closed by the broker (its receive timeout) or by the test.
        }
    }

    /** Produces {@value #RECORDS} records with acks=all and reads them back from their first offset. */
    private void produceAndConsume(int round) throws Exception {
        long first;
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrap(), Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            first = producer.send(new ProducerRecord<>(TOPIC, "r" + round + "-0")).get(30, TimeUnit.SECONDS).offset();
            for (int i = 1; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "r" + round + "-" + i));
            }
            producer.flush();
        }
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = Clients.consumer(bootstrap(), Map.of())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, first);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen.size() < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value().startsWith("r" + round + "-")) {
                        seen.add(record.value());
                    }
                }
            }
        }
        assertThat(seen).as("records of round %d read back", round).hasSize(RECORDS);
    }

    private long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(broker.pid()), "status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new AssertionError("no VmRSS in /proc/" + broker.pid() + "/status");
    }

    /** Nothing to read yet and no end of stream: the broker keeps the connection. */
    private static boolean isOpen(Socket socket) throws IOException {
        socket.setSoTimeout(1);
        try {
            return socket.getInputStream().read() >= 0;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until the broker closes the connection (end of stream or reset), at most until {@code deadlineNanos}. */
    private static boolean closedByPeer(Socket socket, long deadlineNanos) throws IOException {
        InputStream in = socket.getInputStream();
        while (true) {
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (remainingMs <= 0) {
                return false;
            }
            socket.setSoTimeout((int) Math.min(remainingMs, Integer.MAX_VALUE));
            try {
                if (in.read() < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }
    }

    private String bootstrap() {
        return "127.0.0.1:" + port;
    }
}
