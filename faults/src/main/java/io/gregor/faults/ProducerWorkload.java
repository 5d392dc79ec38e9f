package io.gregor.faults;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One idempotent acks=all producer sending unique, self-describing values ({@code <proc>-<seq>},
 * e.g. {@code producer-1.2-4711}: producer 1, incarnation 2, sequence 4711) to one topic at a
 * paced rate, keyed ({@code k<seq mod keys>}) or not, on its own thread. Each send is an invoke in the
 * history and then exactly one completion: {@code ok} with partition and offset, or {@code info}
 * when the client reports an error (a timeout or an error after retries: the record may still have
 * been written). After an error that leaves the idempotent producer unusable the producer is closed
 * and a new incarnation (a new producer id) continues; values never repeat across incarnations.
 *
 * <p>Timeouts are chosen to outlast Gregor's failover (ZooKeeper session timeout, 18 s by default,
 * plus the election): {@code delivery.timeout.ms=120000}, {@code max.block.ms=60000}.
 */
final class ProducerWorkload implements AutoCloseable {
    private final History history;
    private final AckClock acks;
    private final String bootstrap;
    private final String topic;
    private final boolean keyed;
    private final int keys;
    private final int ratePerSecond;
    private final String name;
    private final Thread thread;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong incarnations = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean broken;
    private volatile boolean aborted;

    ProducerWorkload(History history, AckClock acks, String bootstrap, String name, String topic, boolean keyed, int keys, int ratePerSecond) {
        this.history = history;
        this.acks = acks;
        this.bootstrap = bootstrap;
        this.name = name;
        this.topic = topic;
        this.keyed = keyed;
        this.keys = keys;
        this.ratePerSecond = ratePerSecond;
        this.thread = new Thread(this::run, "gft-" + name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private KafkaProducer<String, String> newProducer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "gft-" + name + "." + incarnations.get());
        return new KafkaProducer<>(props);
    }

    private void run() {
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        while (running) {
            long incarnation = incarnations.incrementAndGet();
            String proc = name + "." + incarnation;
            broken = false;
            KafkaProducer<String, String> producer = newProducer();
            try {
                long seq = 0;
                long next = System.nanoTime();
                while (running && !broken) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    next += intervalNanos;
                    send(producer, proc, seq++);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                // Completes every send still pending (as an error if it cannot be delivered in time).
                producer.close(aborted ? Duration.ZERO : Duration.ofSeconds(running ? 5 : 130));
            }
        }
    }

    private void send(KafkaProducer<String, String> producer, String proc, long seq) {
        String value = proc + "-" + seq;
        String key = keyed ? "k" + (seq % keys) : null;
        long id = history.nextId();
        history.append(Op.of(Op.INVOKE, proc, "send").id(id).record(topic, -1, -1, value));
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                if (error == null) {
                    acks.acknowledged(topic, metadata.partition());
                    history.append(Op.of(Op.OK, proc, "send").id(id).record(topic, metadata.partition(), metadata.offset(), value));
                } else {
                    errors.incrementAndGet();
                    history.append(Op.of(Op.INFO, proc, "send").id(id).record(topic, -1, -1, value).error(describe(error)));
                    if (leavesProducerUnusable(error)) {
                        broken = true;
                    }
                }
            });
        } catch (RuntimeException e) {
            // send() itself threw: the record never reached the accumulator.
            errors.incrementAndGet();
            history.append(Op.of(Op.FAIL, proc, "send").id(id).record(topic, -1, -1, value).error(describe(e)));
            broken = true;
        }
    }

    private static boolean leavesProducerUnusable(Exception e) {
        return e instanceof OutOfOrderSequenceException || e instanceof ProducerFencedException || e instanceof UnknownProducerIdException
            || e instanceof InvalidPidMappingException || e instanceof IllegalStateException;
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }

    long errors() {
        return errors.get();
    }

    /** Producer incarnations so far (1 when no error ever left a producer unusable). */
    long incarnations() {
        return incarnations.get();
    }

    /** Stops sending at once, without waiting for outstanding sends (after a harness failure). */
    void abort() {
        aborted = true;
        running = false;
        thread.interrupt();
    }

    /** Stops sending and waits (up to the delivery timeout) until every send has completed. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(150));
    }
}
