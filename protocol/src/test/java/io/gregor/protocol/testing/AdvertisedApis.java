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
    private AdvertisedApis() {
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
