package io.gregor.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes to every partition of a topic in turn from a thread of its own, at a steady rate and with
 * a bounded number of unacknowledged records, and keeps what the broker acknowledged: per
 * partition, the offsets of the acknowledged values in the order of the acknowledgements. Values
 * are {@code <sequence number>}, increasing per producer, so a reader can check the order.
 */
final class ContinuousProducer implements AutoCloseable {
    /** An acknowledged record: the sequence number sent and the offset the broker gave it. */
    record Ack(long sequence, long offset) {
    }

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final int partitions;
    private final long nanosPerRecord;
    private final Semaphore window = new Semaphore(500);
    private final Map<Integer, List<Ack>> acked = new ConcurrentHashMap<>();
    private final AtomicInteger ackedCount = new AtomicInteger();
    private final List<Exception> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stop;

    /** Starts sending at about {@code recordsPerSecond}; {@link #close()} stops and waits for every answer. */
    ContinuousProducer(KafkaProducer<String, String> producer, String topic, int partitions, int recordsPerSecond) {
        this.producer = producer;
        this.topic = topic;
        this.partitions = partitions;
        this.nanosPerRecord = TimeUnit.SECONDS.toNanos(1) / recordsPerSecond;
        for (int p = 0; p < partitions; p++) {
            acked.put(p, new ArrayList<>());
        }
        this.thread = new Thread(this::run, "continuous-producer-" + topic);
        thread.start();
    }

    private void run() {
        long next = System.nanoTime();
        long sequence = 0;
        try {
            while (!stop) {
                if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                next = Math.max(next + nanosPerRecord, System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(100));
                int partition = (int) (sequence % partitions);
                long seq = sequence++;
                sent.incrementAndGet();
                producer.send(new ProducerRecord<>(topic, partition, "k" + seq, Long.toString(seq)), (metadata, error) -> {
                    window.release();
                    if (error == null) {
                        List<Ack> list = acked.get(metadata.partition());
                        synchronized (list) {
                            list.add(new Ack(seq, metadata.offset()));
                        }
                        ackedCount.incrementAndGet();
                    } else {
                        failures.add(error);
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    int ackedCount() {
        return ackedCount.get();
    }

    int sentCount() {
        return sent.get();
    }

    List<Exception> failures() {
        return List.copyOf(failures);
    }

    /** The acknowledged records of a partition, in acknowledgement order. */
    List<Ack> acked(int partition) {
        List<Ack> list = acked.get(partition);
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    /** Stops sending and waits until every record sent is acknowledged or has failed. */
    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(TimeUnit.SECONDS.toMillis(30));
        producer.flush();
    }
}
