package io.gregor.faults;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the checker found: counts of what the history holds (sends acknowledged, unknown, records
 * read...) and every anomaly, counted per kind with the first {@value #EXAMPLES} descriptions kept.
 * Mutable while a check runs, then only read; not thread-safe.
 */
final class CheckResult {
    static final int EXAMPLES = 20;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Map<Anomaly.Kind, Long> anomalyCounts = new EnumMap<>(Anomaly.Kind.class);
    private final List<Anomaly> examples = new ArrayList<>();

    void count(String name, long delta) {
        counts.merge(name, delta, Long::sum);
    }

    void add(Anomaly.Kind kind, String description) {
        long n = anomalyCounts.merge(kind, 1L, Long::sum);
        if (n <= EXAMPLES) {
            examples.add(new Anomaly(kind, description));
        }
    }

    void addAll(CheckResult other) {
        other.counts.forEach(this::count);
        other.anomalyCounts.forEach((k, n) -> anomalyCounts.merge(k, n, Long::sum));
        examples.addAll(other.examples);
    }

    long count(String name) {
        return counts.getOrDefault(name, 0L);
    }

    /** Counts in the order they were first made, for the report. */
    Map<String, Long> orderedCounts() {
        return new LinkedHashMap<>(counts);
    }

    long anomalies(Anomaly.Kind kind) {
        return anomalyCounts.getOrDefault(kind, 0L);
    }

    long totalAnomalies() {
        return anomalyCounts.values().stream().mapToLong(Long::longValue).sum();
    }

    List<Anomaly> examples() {
        return List.copyOf(examples);
    }

    boolean clean() {
        return totalAnomalies() == 0;
    }
}
