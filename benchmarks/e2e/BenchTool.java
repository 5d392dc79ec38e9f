import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Helpers for bin/gregor-bench that the stock Kafka tools do not cover. Runs against any
 * Kafka-protocol broker with the kafka-clients jar of Apache Kafka 4.4 on the class path.
 *
 * <pre>
 * topics    BOOTSTRAP RF MIN_ISR NAME:PARTITIONS...      create topics (min.insync.replicas when MIN_ISR > 0)
 * latency   BOOTSTRAP TOPIC RATE COUNT WARMUP SIZE ACKS    end-to-end latency at a fixed rate
 * consume   BOOTSTRAP TOPIC COUNT                          fetch throughput in assign mode (no group)
 * produce-all BOOTSTRAP TOPIC[,TOPIC...] PER_PARTITION SIZE PER_PARTITION records to every partition, acks=1
 * probe-produce BOOTSTRAP TOPIC ACKS TIMEOUT_MS            one record; exit 0 iff acknowledged
 * loopback  SECONDS                                        TCP bandwidth over 127.0.0.1, one stream
 * report    RESULTS_TSV LIMITS_TSV                         the Markdown tables
 * </pre>
 * Figures are printed as {@code key=value} on one line for the bash driver.
 */
public class BenchTool {
    private static final String BYTES = "org.apache.kafka.common.serialization.ByteArray";

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: BenchTool topics|latency|consume|produce-all|probe-produce|loopback|report ...");
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "topics" -> topics(rest);
            case "latency" -> latency(rest);
            case "consume" -> consume(rest);
            case "produce-all" -> produceAll(rest);
            case "probe-produce" -> System.exit(probeProduce(rest));
            case "loopback" -> loopback(rest);
            case "report" -> report(rest);
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }

    // ---- topics ----

    /** topics BOOTSTRAP RF MIN_ISR NAME:PARTITIONS... */
    static void topics(String[] a) throws Exception {
        short rf = Short.parseShort(a[1]);
        int minIsr = Integer.parseInt(a[2]);
        Properties p = new Properties();
        p.put("bootstrap.servers", a[0]);
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> topics = new ArrayList<>();
            for (int i = 3; i < a.length; i++) {
                String[] spec = a[i].split(":");
                NewTopic t = new NewTopic(spec[0], Integer.parseInt(spec[1]), rf);
                if (minIsr > 0) {
                    t.configs(Map.of("min.insync.replicas", Integer.toString(minIsr)));
                }
                topics.add(t);
            }
            // One CreateTopics per topic: Kafka's KRaft controller refuses a request that adds more
            // than 10,000 records ("excessively large batch operation").
            long t0 = System.nanoTime();
            long deadline = t0 + TimeUnit.SECONDS.toNanos(300);
            int total = 0;
            for (NewTopic t : topics) {
                admin.createTopics(List.of(t)).all().get(120, TimeUnit.SECONDS);
                // Wait until every partition has a leader in the metadata.
                while (true) {
                    org.apache.kafka.clients.admin.TopicDescription d;
                    try {
                        d = admin.describeTopics(List.of(t.name())).allTopicNames().get(30, TimeUnit.SECONDS).get(t.name());
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                            throw e;
                        }
                        d = null; // created, but not in this broker's metadata yet (Kafka answers before)
                    }
                    if (d != null && d.partitions().size() == t.numPartitions()
                        && d.partitions().stream().allMatch(x -> x.leader() != null && !x.leader().isEmpty())) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("partitions of " + t.name() + " have no leader after 300 s");
                    }
                    Thread.sleep(50);
                }
                total += t.numPartitions();
                System.out.println("created " + t.name() + ": " + t.numPartitions() + " partitions, rf " + rf
                    + (minIsr > 0 ? ", min.insync.replicas " + minIsr : "")
                    + " at_ms=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
            System.out.println("all_created topics=" + topics.size() + " partitions=" + total
                + " create_ms=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
    }

    // ---- fixed-rate end-to-end latency ----

    /**
     * A producer thread sends COUNT + WARMUP records at RATE records/s, each carrying its
     * scheduled send time (System.nanoTime, same JVM); the main thread consumes the partition
     * (assign mode, the consumer's default long polling) and records now - scheduled time.
     * Latency is measured from the schedule, not the actual send, so a stalled producer or
     * broker shows up in the figures (no coordinated omission). The first WARMUP records are
     * not counted.
     */
    static void latency(String[] a) throws Exception {
        String bootstrap = a[0];
        String topic = a[1];
        double rate = Double.parseDouble(a[2]);
        int count = Integer.parseInt(a[3]);
        int warmup = Integer.parseInt(a[4]);
        int size = Integer.parseInt(a[5]);
        String acks = a[6];
        int total = count + warmup;

        Properties pp = new Properties();
        pp.put("bootstrap.servers", bootstrap);
        pp.put("acks", acks);
        pp.put("linger.ms", "0");
        pp.put("key.serializer", BYTES + "Serializer");
        pp.put("value.serializer", BYTES + "Serializer");
        Properties cp = new Properties();
        cp.put("bootstrap.servers", bootstrap);
        cp.put("enable.auto.commit", "false");
        cp.put("auto.offset.reset", "latest");
        cp.put("key.deserializer", BYTES + "Deserializer");
        cp.put("value.deserializer", BYTES + "Deserializer");

        long[] lat = new long[count];
        AtomicReference<Exception> sendError = new AtomicReference<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            long start = consumer.position(tp);
            // Connect the producer (metadata) before the clock starts.
            producer.partitionsFor(topic);
            long periodNs = (long) (1e9 / rate);
            long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            Thread sender = new Thread(() -> {
                for (int i = 0; i < total && sendError.get() == null; i++) {
                    long due = t0 + i * periodNs;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        if (wait > 100_000) {
                            LockSupport.parkNanos(wait - 50_000);
                        } else {
                            Thread.onSpinWait();
                        }
                    }
                    byte[] value = new byte[size];
                    ByteBuffer.wrap(value).putLong(due).putInt(i);
                    producer.send(new ProducerRecord<>(topic, 0, null, value), (md, e) -> {
                        if (e != null) {
                            sendError.compareAndSet(null, e);
                        }
                    });
                }
            }, "fixed-rate-sender");
            sender.setDaemon(true);
            sender.start();
            int received = 0;
            long lastProgress = System.nanoTime();
            while (received < total) {
                ConsumerRecords<byte[], byte[]> recs = consumer.poll(Duration.ofMillis(200));
                long now = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : recs) {
                    ByteBuffer v = ByteBuffer.wrap(r.value());
                    long due = v.getLong();
                    int seq = v.getInt();
                    if (seq >= warmup && seq < total) {
                        lat[seq - warmup] = now - due;
                    }
                    received++;
                }
                if (!recs.isEmpty()) {
                    lastProgress = now;
                }
                if (sendError.get() != null) {
                    throw new IllegalStateException("send failed", sendError.get());
                }
                if (now - lastProgress > TimeUnit.SECONDS.toNanos(60)) {
                    throw new IllegalStateException("no records for 60 s; received " + received + " of " + total
                        + " from offset " + start);
                }
            }
            sender.join();
        }
        double avg = Arrays.stream(lat).average().orElse(0) / 1e6;
        Arrays.sort(lat);
        System.out.printf(Locale.ROOT, "latency n=%d rate=%.0f avg_ms=%.3f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f%n",
            count, rate, avg, pct(lat, 0.5), pct(lat, 0.99), pct(lat, 0.999), lat[count - 1] / 1e6);
    }

    /** Nearest-rank percentile, in ms. */
    static double pct(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    // ---- assign-mode consume ----

    static void consume(String[] a) {
        String topic = a[1];
        long want = Long.parseLong(a[2]);
        Properties cp = new Properties();
        cp.put("bootstrap.servers", a[0]);
        cp.put("enable.auto.commit", "false");
        cp.put("key.deserializer", BYTES + "Deserializer");
        cp.put("value.deserializer", BYTES + "Deserializer");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                tps.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            tps.forEach(consumer::position);
            long records = 0;
            long bytes = 0;
            long t0 = System.nanoTime();
            long lastProgress = t0;
            while (records < want) {
                ConsumerRecords<byte[], byte[]> recs = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : recs) {
                    records++;
                    bytes += r.serializedValueSize() + Math.max(0, r.serializedKeySize());
                }
                long now = System.nanoTime();
                if (!recs.isEmpty()) {
                    lastProgress = now;
                } else if (now - lastProgress > TimeUnit.SECONDS.toNanos(30)) {
                    throw new IllegalStateException("no records for 30 s after " + records + " of " + want);
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "consume records=%d MiB=%.1f seconds=%.3f MiB_per_s=%.2f records_per_s=%.0f%n",
                records, bytes / 1048576.0, s, bytes / 1048576.0 / s, records / s);
        }
    }

    // ---- produce to every partition ----

    /**
     * produce-all BOOTSTRAP TOPIC[,TOPIC...] PER_PARTITION SIZE: sends PER_PARTITION records of SIZE
     * bytes to every partition of new (empty) topics, round-robin, acks=1, linger.ms=5, then checks with
     * ListOffsets that every partition holds them. Prints the rate. The producer reserves a whole
     * batch.size buffer per partition with records waiting, so with the perf tools' 64 KiB
     * batches and the default 32 MiB buffer.memory a few hundred partitions exhaust the pool and
     * the producer crawls (about 130 records/s against either broker); here batches are 16 KiB
     * and the pool 256 MiB, enough for 16,000 partitions.
     */
    static void produceAll(String[] a) throws Exception {
        String[] topics = a[1].split(",");
        int perPartition = Integer.parseInt(a[2]);
        int size = Integer.parseInt(a[3]);
        Properties pp = new Properties();
        pp.put("bootstrap.servers", a[0]);
        pp.put("acks", "1");
        pp.put("linger.ms", "5");
        pp.put("batch.size", "16384");
        pp.put("buffer.memory", Long.toString(256L << 20));
        pp.put("key.serializer", BYTES + "Serializer");
        pp.put("value.serializer", BYTES + "Serializer");
        byte[] value = new byte[size];
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<TopicPartition> tps = new ArrayList<>();
        long t0;
        long t1;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp)) {
            for (String topic : topics) {
                for (PartitionInfo p : producer.partitionsFor(topic)) {
                    tps.add(new TopicPartition(topic, p.partition()));
                }
            }
            t0 = System.nanoTime();
            for (int i = 0; i < perPartition && failure.get() == null; i++) {
                for (TopicPartition tp : tps) {
                    producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, value), (m, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
                }
            }
            producer.flush();
            t1 = System.nanoTime();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("produce failed", failure.get());
        }
        Properties cp = new Properties();
        cp.put("bootstrap.servers", a[0]);
        cp.put("key.deserializer", BYTES + "Deserializer");
        cp.put("value.deserializer", BYTES + "Deserializer");
        long belowTarget = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp)) {
            for (long end : consumer.endOffsets(tps, Duration.ofSeconds(60)).values()) {
                if (end < perPartition) {
                    belowTarget++;
                }
            }
        }
        int partitions = tps.size();
        if (belowTarget > 0) {
            throw new IllegalStateException(belowTarget + " of " + partitions + " partitions hold fewer than " + perPartition + " records");
        }
        double s = (t1 - t0) / 1e9;
        long records = (long) perPartition * partitions;
        double mib = records * (double) size / 1048576.0;
        System.out.printf(Locale.ROOT, "produce-all partitions=%d records=%d seconds=%.3f MiB_per_s=%.2f records_per_s=%.0f%n",
            partitions, records, s, mib / s, records / s);
    }

    // ---- produce probe ----

    static int probeProduce(String[] a) {
        Properties pp = new Properties();
        pp.put("bootstrap.servers", a[0]);
        pp.put("acks", a[2]);
        pp.put("delivery.timeout.ms", a[3]);
        pp.put("request.timeout.ms", a[3]);
        pp.put("max.block.ms", a[3]);
        pp.put("linger.ms", "0");
        pp.put("key.serializer", BYTES + "Serializer");
        pp.put("value.serializer", BYTES + "Serializer");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp)) {
            producer.send(new ProducerRecord<>(a[1], new byte[16])).get();
            System.out.println("probe-produce ok");
            return 0;
        } catch (ExecutionException e) {
            System.out.println("probe-produce failed: " + e.getCause());
            return 1;
        } catch (Exception e) {
            System.out.println("probe-produce failed: " + e);
            return 1;
        }
    }

    // ---- loopback bandwidth ----

    static void loopback(String[] a) throws Exception {
        double seconds = Double.parseDouble(a[0]);
        int chunk = 1 << 20;
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            AtomicLong received = new AtomicLong();
            Thread reader = new Thread(() -> {
                try (SocketChannel s = server.accept()) {
                    ByteBuffer buf = ByteBuffer.allocateDirect(chunk);
                    int n;
                    while ((n = s.read(buf)) >= 0) {
                        received.addAndGet(n);
                        buf.clear();
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, "loopback-reader");
            reader.start();
            ByteBuffer out = ByteBuffer.allocateDirect(chunk);
            long t0;
            long t1;
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
                // Short warm-up, then measure.
                long warmEnd = System.nanoTime() + 300_000_000L;
                while (System.nanoTime() < warmEnd) {
                    out.clear();
                    client.write(out);
                }
                long base = received.get();
                t0 = System.nanoTime();
                long end = t0 + (long) (seconds * 1e9);
                while (System.nanoTime() < end) {
                    out.clear();
                    client.write(out);
                }
                t1 = System.nanoTime();
                long got = received.get() - base;
                double s = (t1 - t0) / 1e9;
                System.out.printf(Locale.ROOT, "loopback MiB_per_s=%.1f seconds=%.2f%n", got / 1048576.0 / s, s);
            }
            reader.join();
        }
    }

    // ---- report ----

    /** One row of the table. */
    record Metric(String key, String label, String unit, boolean higherBetter, String limit, String target) {
    }

    static final List<Metric> METRICS = List.of(
        new Metric("produce_p1_acks1", "produce 1 KiB, 1 partition, acks=1", "MiB/s", true, "disk", ">= 1.5x"),
        new Metric("produce_p1_acksall", "produce 1 KiB, 1 partition, acks=all", "MiB/s", true, "disk", ">= 1.5x"),
        new Metric("produce_p16_acks1", "produce 1 KiB, 16 partitions, acks=1", "MiB/s", true, "disk", ">= 1.5x"),
        new Metric("produce_p16_acksall", "produce 1 KiB, 16 partitions, acks=all", "MiB/s", true, "disk", ">= 1.5x"),
        new Metric("consume_fetch", "consume (ConsumerPerformance, fetch only, excl. group join)", "MiB/s", true, "loopback", ">= 1.2x"),
        new Metric("consume_assign", "consume (assign mode, no group; BenchTool)", "MiB/s", true, "loopback", ""),
        new Metric("e2e_p50", "end-to-end latency p50, fixed rate (BenchTool latency)", "ms", false, "", ""),
        new Metric("e2e_p99", "end-to-end latency p99, fixed rate", "ms", false, "", "<= 0.5x"),
        new Metric("e2e_p999", "end-to-end latency p99.9, fixed rate", "ms", false, "", "<= 0.5x"),
        new Metric("e2e_max", "end-to-end latency max, fixed rate", "ms", false, "", ""),
        new Metric("e2e1_p50", "end-to-end latency p50, one record in flight (E2eLatencyHiRes)", "ms", false, "", ""),
        new Metric("e2e1_p99", "end-to-end latency p99, one record in flight", "ms", false, "", "<= 0.5x"),
        new Metric("e2e1_p999", "end-to-end latency p99.9, one record in flight", "ms", false, "", "<= 0.5x"),
        new Metric("startup", "startup to ready (process start to first ApiVersions answer)", "s", false, "", "< 0.5 s"),
        new Metric("rss_idle", "RSS idle after ready", "MiB", false, "", "<= 0.25x"),
        new Metric("rss_after", "RSS after the run", "MiB", false, "", ""),
        new Metric("cpu_per_gib", "broker CPU per GiB produced (user+sys)", "s/GiB", false, "", ""),
        new Metric("scale_create", "many partitions (SCALE_PARTITIONS): create topic until every partition has a leader", "s", false, "", ""),
        new Metric("scale_rss", "many partitions: RSS after creating them", "MiB", false, "", ""),
        new Metric("scale_produce", "many partitions: produce to all (acks=1, round-robin)", "MiB/s", true, "disk", ""),
        new Metric("scale_restart", "many partitions: restart to ready (clean shutdown before)", "s", false, "", ""),
        new Metric("scale_rss_restart", "many partitions: RSS after the restart", "MiB", false, "", ""),
        new Metric("cluster_produce_p1_acksall", "3 brokers rf=3 min.isr=2: produce 1 partition, acks=all", "MiB/s", true, "disk", ">= 1.3x"),
        new Metric("cluster_produce_p16_acksall", "3 brokers rf=3 min.isr=2: produce 16 partitions, acks=all", "MiB/s", true, "disk", ">= 1.3x"),
        new Metric("cluster_e2e_p99", "3 brokers rf=3: end-to-end latency p99", "ms", false, "", ""),
        new Metric("cluster_e2e_p999", "3 brokers rf=3: end-to-end latency p99.9", "ms", false, "", ""));

    static void report(String[] a) throws IOException {
        // system -> metric -> round -> value
        Map<String, Map<String, TreeMap<Integer, String>>> data = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(a[0]))) {
            String[] f = line.split("\t", 4);
            if (f.length < 4 || line.startsWith("#")) {
                continue;
            }
            data.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).computeIfAbsent(f[2], k -> new TreeMap<>())
                .put(Integer.parseInt(f[1]), f[3]);
        }
        Map<String, Double> limits = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(a[1]))) {
            String[] f = line.split("\t");
            if (f.length == 2) {
                try {
                    limits.put(f[0], Double.parseDouble(f[1]));
                } catch (NumberFormatException ignored) {
                    // not measured
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("| workload | unit | Gregor | Kafka 4.4 | Gregor/Kafka | target | Gregor / Kafka vs machine limit |\n");
        out.append("|---|---|---:|---:|---:|---|---|\n");
        for (Metric m : METRICS) {
            Cell g = cell(data, "gregor", m.key);
            Cell k = cell(data, "kafka", m.key);
            if (g == null && k == null) {
                continue;
            }
            String ratio = "";
            String better = m.higherBetter ? "higher is better" : "lower is better";
            if (g != null && k != null && g.median != null && k.median != null && k.median != 0) {
                ratio = String.format(Locale.ROOT, "%.2fx", g.median / k.median);
            }
            String vsLimit = "";
            Double limit = m.limit.isEmpty() ? null : limits.get(m.limit);
            if (limit != null && limit > 0) {
                vsLimit = pctOf(g, limit) + " / " + pctOf(k, limit) + " of " + m.limit
                    + String.format(Locale.ROOT, " (%.0f MiB/s)", limit);
            }
            String target = m.target.isEmpty() ? "" : m.target + met(m, g, k);
            out.append("| ").append(m.label).append(" | ").append(m.unit).append(" (").append(better).append(") | ")
                .append(g == null ? "-" : g.text).append(" | ").append(k == null ? "-" : k.text).append(" | ")
                .append(ratio).append(" | ").append(target).append(" | ").append(vsLimit).append(" |\n");
        }
        out.append("\nAll runs (one column per system and round):\n\n");
        List<String> cols = new ArrayList<>();
        for (var sys : data.entrySet()) {
            TreeMap<Integer, Boolean> rounds = new TreeMap<>();
            sys.getValue().values().forEach(m -> m.keySet().forEach(r -> rounds.put(r, true)));
            rounds.keySet().forEach(r -> cols.add(sys.getKey() + "\t" + r));
        }
        out.append("| metric |");
        cols.forEach(c -> out.append(' ').append(c.replace('\t', ' ')).append(" |"));
        out.append("\n|---|");
        cols.forEach(c -> out.append("---:|"));
        out.append('\n');
        for (Metric m : METRICS) {
            boolean any = false;
            StringBuilder row = new StringBuilder("| " + m.key + " |");
            for (String c : cols) {
                String[] sr = c.split("\t");
                String v = data.getOrDefault(sr[0], Map.of()).getOrDefault(m.key, new TreeMap<>()).get(Integer.parseInt(sr[1]));
                any |= v != null;
                row.append(' ').append(v == null ? "-" : v.replace('|', '/')).append(" |");
            }
            if (any) {
                out.append(row).append('\n');
            }
        }
        System.out.print(out);
    }

    record Cell(Double median, String text) {
    }

    static Cell cell(Map<String, Map<String, TreeMap<Integer, String>>> data, String system, String key) {
        TreeMap<Integer, String> runs = data.getOrDefault(system, Map.of()).get(key);
        if (runs == null || runs.isEmpty()) {
            return null;
        }
        List<Double> values = new ArrayList<>();
        String firstReason = null;
        for (String v : runs.values()) {
            try {
                values.add(Double.parseDouble(v));
            } catch (NumberFormatException e) {
                if (firstReason == null) {
                    firstReason = v;
                }
            }
        }
        if (values.isEmpty()) {
            return new Cell(null, firstReason);
        }
        values.sort(null);
        int n = values.size();
        double median = n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
        String text = fmt(median);
        if (n < runs.size()) {
            text += " (" + n + " of " + runs.size() + " runs; other: " + firstReason + ")";
        }
        return new Cell(median, text);
    }

    static String fmt(double v) {
        double abs = Math.abs(v);
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        } else if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        } else if (abs >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String pctOf(Cell c, double limit) {
        return c == null || c.median == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * c.median / limit);
    }

    static String met(Metric m, Cell g, Cell k) {
        if (g == null || g.median == null) {
            return "";
        }
        String t = m.target;
        boolean ok;
        if (t.startsWith("< ") && t.endsWith(" s")) {
            ok = g.median < Double.parseDouble(t.substring(2, t.length() - 2));
        } else if (k == null || k.median == null || k.median == 0) {
            return "";
        } else {
            double ratio = g.median / k.median;
            double bound = Double.parseDouble(t.replaceAll("[^0-9.]", ""));
            ok = t.startsWith(">=") ? ratio >= bound : ratio <= bound;
        }
        return ok ? ": met" : ": not met";
    }
}
