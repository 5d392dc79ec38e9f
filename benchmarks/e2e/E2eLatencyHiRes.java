import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Same loop and client settings as org.apache.kafka.tools.EndToEndLatency (4.4.0): producer linger.ms=0,
 * consumer fetch.max.wait.ms=0, assign + seekToEnd, then per record: send().get() and poll() until that
 * record comes back. The stock tool truncates each sample to whole milliseconds, which makes its
 * percentiles useless below 1 ms; this keeps nanosecond samples and prints them in ms with 3 decimals.
 * Run with the JDK source launcher: ./kafka-tool.sh E2eLatencyHiRes.java BOOTSTRAP TOPIC N ACKS SIZE
 * (Same as ../shared/bench/apache-kafka/E2eLatencyHiRes.java; bin/gregor-bench compiles it with BenchTool.)
 */
public class E2eLatencyHiRes {
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: E2eLatencyHiRes BOOTSTRAP TOPIC NUM_RECORDS ACKS(1|all) RECORD_SIZE");
            System.exit(2);
        }
        String bootstrap = args[0], topic = args[1], acks = args[3];
        int n = Integer.parseInt(args[2]), size = Integer.parseInt(args[4]);
        String bytes = "org.apache.kafka.common.serialization.ByteArray";

        Properties pp = new Properties();
        pp.put("bootstrap.servers", bootstrap);
        pp.put("linger.ms", "0");
        pp.put("max.block.ms", Long.toString(Long.MAX_VALUE));
        pp.put("acks", acks);
        pp.put("key.serializer", bytes + "Serializer");
        pp.put("value.serializer", bytes + "Serializer");
        Properties cp = new Properties();
        cp.put("bootstrap.servers", bootstrap);
        cp.put("group.id", "e2e-hires-" + System.currentTimeMillis());
        cp.put("enable.auto.commit", "false");
        cp.put("auto.offset.reset", "latest");
        cp.put("fetch.max.wait.ms", "0");
        cp.put("key.deserializer", bytes + "Deserializer");
        cp.put("value.deserializer", bytes + "Deserializer");

        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp);
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp)) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToEnd(tps);
            tps.forEach(consumer::position);

            long[] lat = new long[n];
            Random random = new Random(0);
            for (int i = 0; i < n; i++) {
                byte[] msg = new byte[size];
                Arrays.fill(msg, (byte) (random.nextInt(26) + 65));
                long t0 = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, msg)).get();
                ConsumerRecords<byte[], byte[]> recs = consumer.poll(Duration.ofMillis(60_000));
                lat[i] = System.nanoTime() - t0;
                if (recs.count() != 1 || !Arrays.equals(recs.iterator().next().value(), msg)) {
                    throw new IllegalStateException("record " + i + ": expected exactly the record just sent, got " + recs.count());
                }
            }
            double avg = Arrays.stream(lat).average().orElse(0) / 1e6;
            Arrays.sort(lat);
            System.out.printf("hires n=%d avg_ms=%.3f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f%n", n, avg,
                lat[(int) (n * 0.5)] / 1e6, lat[(int) (n * 0.99)] / 1e6, lat[(int) (n * 0.999)] / 1e6, lat[n - 1] / 1e6);
        }
    }
}
