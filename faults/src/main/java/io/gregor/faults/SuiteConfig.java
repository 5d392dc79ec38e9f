package io.gregor.faults;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One run's settings.
 *
 * @param duration     how long faults are injected (the run then heals, drains and checks)
 * @param minRounds    at least this many whole rounds of the schedule (every fault kind once each), even past the duration
 * @param seed         the fault schedule's seed
 * @param brokers      number of brokers (3 or more for replication factor 3)
 * @param out          directory for the report, the history and every node's output
 * @param brokerConfig overrides for every broker ({@code zookeeper.session.timeout.ms} also sets the schedule's dwells)
 * @param diskMb       size of the last broker's log-dir filesystem for the disk-full fault; 0 for none
 * @param ratePerProducer records per second of each producer
 * @param kinds        the fault kinds to inject
 */
record SuiteConfig(Duration duration, int minRounds, long seed, int brokers, Path out, Map<String, String> brokerConfig, int diskMb,
                   int ratePerProducer, List<FaultKind> kinds) {
    SuiteConfig {
        brokerConfig = Map.copyOf(brokerConfig);
        kinds = List.copyOf(kinds);
        if (brokers < 3) {
            throw new IllegalArgumentException("--brokers must be at least 3 (topics have replication factor 3)");
        }
    }

    long sessionTimeoutMs() {
        return Long.parseLong(brokerConfig.getOrDefault("zookeeper.session.timeout.ms", "18000"));
    }
}
