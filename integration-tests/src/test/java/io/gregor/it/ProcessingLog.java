package io.gregor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the members of a consumer group processed and committed, with wall-clock timestamps in
 * microseconds so that events of members in other JVMs on the same machine can be ordered with
 * them. Thread-safe.
 *
 * <p>The two properties a group with manual commits after processing must have:
 * {@link #assertNothingLost every record is processed} and
 * {@link #assertNoCommittedRecordDeliveredAgain a record below a committed offset is never delivered again}.
 * Records processed but not yet committed when their owner died may be processed twice.
 */
final class ProcessingLog {
    record Processed(String member, int partition, long offset, String value, long micros) {
    }

    record Committed(String member, int partition, long offset, long micros) {
    }

    private final List<Processed> processed = new CopyOnWriteArrayList<>();
    private final List<Committed> committed = new CopyOnWriteArrayList<>();

    static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    void processed(String member, int partition, long offset, String value) {
        processed.add(new Processed(member, partition, offset, value, nowMicros()));
    }

    /** Call after the commit returned successfully, with the committed offset (next to read). */
    void committed(String member, int partition, long offset) {
        committed.add(new Committed(member, partition, offset, nowMicros()));
    }

    void addAll(ProcessingLog other) {
        processed.addAll(other.processed);
        committed.addAll(other.committed);
    }

    void add(Processed p) {
        processed.add(p);
    }

    void add(Committed c) {
        committed.add(c);
    }

    List<Processed> processed() {
        return List.copyOf(processed);
    }

    List<Processed> processedBy(String member) {
        return processed.stream().filter(p -> p.member().equals(member)).toList();
    }

    List<Committed> committedBy(String member) {
        return committed.stream().filter(c -> c.member().equals(member)).toList();
    }

    /** The highest offset each partition was committed at by this member. */
    Map<Integer, Long> lastCommitted(String member) {
        Map<Integer, Long> out = new HashMap<>();
        for (Committed c : committedBy(member)) {
            out.merge(c.partition(), c.offset(), Math::max);
        }
        return out;
    }

    void assertNothingLost(Collection<String> sentValues) {
        Set<String> seen = new HashSet<>();
        processed.forEach(p -> seen.add(p.value()));
        List<String> lost = sentValues.stream().filter(v -> !seen.contains(v)).limit(20).toList();
        assertThat(lost).as("records acknowledged to the producer but processed by no member (first 20)").isEmpty();
    }

    /**
     * No record was delivered after an offset above it had been committed on its partition, by
     * any member.
     */
    void assertNoCommittedRecordDeliveredAgain() {
        Map<Integer, List<Committed>> commitsByPartition = new HashMap<>();
        committed.forEach(c -> commitsByPartition.computeIfAbsent(c.partition(), k -> new ArrayList<>()).add(c));
        List<String> violations = new ArrayList<>();
        for (Processed p : processed) {
            for (Committed c : commitsByPartition.getOrDefault(p.partition(), List.of())) {
                if (c.micros() < p.micros() && c.offset() > p.offset()) {
                    violations.add(p + " after " + c);
                    break;
                }
            }
            if (violations.size() >= 20) {
                break;
            }
        }
        assertThat(violations).as("records delivered again after their offset was committed (first 20)").isEmpty();
    }

    /** How many records were processed more than once (allowed for uncommitted ones; for the test output). */
    long duplicates() {
        Set<String> seen = new HashSet<>();
        return processed.stream().filter(p -> !seen.add(p.partition() + "@" + p.offset())).count();
    }
}
