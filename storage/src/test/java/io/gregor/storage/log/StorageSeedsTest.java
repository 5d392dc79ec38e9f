package io.gregor.storage.log;

import io.gregor.testsupport.SeedFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The storage fuzz targets' seed files are what {@link StorageSeeds} generates. To rewrite them:
 * {@code mvn -B -pl storage -am test -Dtest=StorageSeedsTest -Dsurefire.failIfNoSpecifiedTests=false -Dgregor.fuzz.writeSeeds=true}.
 */
class StorageSeedsTest {
    private static final Path RESOURCES = Path.of("src/test/resources/io/gregor/storage/log");

    @Test
    void shouldKeepTheProducedBatchSeeds() throws Exception {
        SeedFiles.check(RESOURCES.resolve("RecordValidatorFuzzTestInputs/validatesOrRejectsAnyProducedRecords"), StorageSeeds.produced());
    }

    @Test
    void shouldKeepTheFetchedBatchSeeds() throws Exception {
        SeedFiles.check(RESOURCES.resolve("FollowerAppendFuzzTestInputs/appendsOnlyTheWholeValidBatchesOfAnyFetch"),
            StorageSeeds.fetched());
    }

    @Test
    void shouldKeepTheSegmentFileSeeds() throws Exception {
        SeedFiles.check(RESOURCES.resolve("LogRecoveryFuzzTestInputs/recoversAnyCorruptedSegment"), StorageSeeds.segments());
    }
}
