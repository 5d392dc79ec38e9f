package io.gregor.protocol.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.protocol.ApiVersionRange;
import io.gregor.testsupport.SeedFiles;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The protocol fuzz targets' seed files are what {@link RequestSeeds} generates. To rewrite them
 * (after a kafka-clients upgrade or a change to what Gregor advertises):
 * {@code mvn -B -pl protocol -am test -Dtest=RequestSeedsTest -Dsurefire.failIfNoSpecifiedTests=false -Dgregor.fuzz.writeSeeds=true}.
 */
class RequestSeedsTest {
    private static final Path RESOURCES = Path.of("src/test/resources/io/gregor/protocol");

    @Test
    void shouldKeepOneRequestSeedForEveryAdvertisedVersion() throws Exception {
        Map<String, byte[]> requests = RequestSeeds.requests();

        SeedFiles.check(RESOURCES.resolve("RequestDecoderFuzzTestInputs/answersOnceOrClosesForAnyFrame"), requests);

        for (ApiVersionRange range : AdvertisedApis.handled()) {
            for (short version = range.min(); version <= range.max(); version++) {
                String prefix = "seed-" + range.key().name.toLowerCase() + "-v" + version;
                assertThat(requests.keySet()).as("a seed for %s v%d", range.key(), version)
                    .anyMatch(name -> name.equals(prefix) || name.startsWith(prefix + "-"));
            }
        }
    }

    @Test
    void shouldKeepTheStreamSeedsOfTheFrameDecoder() throws Exception {
        SeedFiles.check(RESOURCES.resolve("network/FrameDecoderFuzzTestInputs/framesAnyStreamAsTheReferenceFramerDoes"),
            RequestSeeds.streams());
    }
}
