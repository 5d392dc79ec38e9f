package io.gregor.protocol.testing;

import io.gregor.protocol.ApiVersionRange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * What Gregor advertises in ApiVersions, read from the table the server keeps
 * ({@code server/src/test/resources/api-versions.txt}, checked against a running broker by
 * {@code ApiVersionsTableIT}), so that protocol tests cover exactly the advertised versions
 * without a second copy of the table. Tests run in the module directory, so the table is found
 * beside it; {@code -Dgregor.apiVersionsTable=PATH} points elsewhere.
 */
public final class AdvertisedApis {
    private static final int PRODUCE_MIN_HANDLED = 3;

    private AdvertisedApis() {
    }

    /**
     * What Gregor handles: the advertised table without Produce v0-v2, which ApiVersions lists for
     * librdkafka's sake as Kafka 4 does (KAFKA-18659) while such requests close the connection;
     * kafka-clients 4 cannot even encode them (KIP-896).
     */
    public static List<ApiVersionRange> handled() {
        return load().stream()
            .map(r -> r.key() == ApiKeys.PRODUCE && r.min() < PRODUCE_MIN_HANDLED ? ApiVersionRange.of(r.key(), PRODUCE_MIN_HANDLED, r.max()) : r)
            .toList();
    }

    public static List<ApiVersionRange> load() {
        Path table = Path.of(System.getProperty("gregor.apiVersionsTable", "../server/src/test/resources/api-versions.txt"));
        try {
            List<ApiVersionRange> ranges = new ArrayList<>();
            for (String line : Files.readAllLines(table)) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] parts = trimmed.split("\\s+");
                ranges.add(ApiVersionRange.of(ApiKeys.valueOf(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])));
            }
            return ranges;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the advertised API versions from " + table.toAbsolutePath(), e);
        }
    }
}
