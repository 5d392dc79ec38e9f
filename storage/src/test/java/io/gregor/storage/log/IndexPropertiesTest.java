package io.gregor.storage.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The offset and time indexes against simple models: whatever entries they are given, they keep
 * only increasing ones, and a lookup answers with the greatest entry at or below its target
 * (below, for the time index), also after truncation and after reopening the file.
 */
class IndexPropertiesTest {
    private static final long BASE = 1_000;

    @Property(tries = 300)
    void offsetIndexLookupReturnsTheGreatestEntryAtOrBelowTheTarget(
        @ForAll @Size(max = 60) List<@IntRange(min = -3, max = 50) Integer> offsetGaps,
        @ForAll @Size(max = 60) List<@IntRange(min = -3, max = 500) Integer> positionGaps,
        @ForAll @Size(min = 1, max = 20) List<@LongRange(min = BASE - 5, max = BASE + 3_000) Long> targets,
        @ForAll @LongRange(min = BASE - 5, max = BASE + 3_000) long truncateAt) throws Exception {
        File file = Files.createTempFile("offset-index", ".index").toFile();
        Files.delete(file.toPath());
        OffsetIndex index = new OffsetIndex(file, BASE, 64 * 8, true);
        try {
            TreeMap<Long, Integer> model = new TreeMap<>();
            long offset = BASE;
            int position = 0;
            for (int i = 0; i < Math.min(offsetGaps.size(), positionGaps.size()); i++) {
                offset += offsetGaps.get(i);
                position += positionGaps.get(i);
                if (offset < BASE || position < 0) {
                    continue;
                }
                index.append(offset, position);
                Map.Entry<Long, Integer> last = model.lastEntry();
                boolean increasing = last == null || (offset > last.getKey() && position > last.getValue());
                if (increasing && model.size() < 64) {
                    model.put(offset, position);
                }
            }
            assertLookups(index, model, targets);
            assertThat(index.isSane()).isTrue();

            index.truncateTo(truncateAt);
            model.tailMap(truncateAt, true).clear();
            assertLookups(index, model, targets);
            assertThat(index.lastEntry()).isEqualTo(model.isEmpty() ? new OffsetPosition(BASE, 0)
                : new OffsetPosition(model.lastKey(), model.lastEntry().getValue()));

            index.close();
            index = new OffsetIndex(file, BASE, 64 * 8, false);
            assertLookups(index, model, targets);
        } finally {
            index.deleteIfExists();
        }
    }

    private static void assertLookups(OffsetIndex index, TreeMap<Long, Integer> model, List<Long> targets) {
        for (long target : targets) {
            Map.Entry<Long, Integer> floor = model.floorEntry(target);
            OffsetPosition expected = floor == null ? new OffsetPosition(BASE, 0) : new OffsetPosition(floor.getKey(), floor.getValue());
            assertThat(index.lookup(target)).as("lookup(%d)", target).isEqualTo(expected);
        }
        assertThat(index.entries()).isEqualTo(model.size());
    }

    @Property(tries = 300)
    void timeIndexGrowsInBothColumnsAndFindsTheLastEntryBelowTheTarget(
        @ForAll @Size(max = 60) List<@LongRange(min = -2, max = 200) Long> timestamps,
        @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 5) Integer> offsetGaps,
        @ForAll @Size(min = 1, max = 20) List<@LongRange(min = -3, max = 210) Long> targets) throws Exception {
        File file = Files.createTempFile("time-index", ".timeindex").toFile();
        Files.delete(file.toPath());
        TimeIndex index = new TimeIndex(file, BASE, 64 * 12, true);
        try {
            long offset = BASE;
            for (int i = 0; i < Math.min(timestamps.size(), offsetGaps.size()); i++) {
                offset += offsetGaps.get(i);
                index.maybeAppend(timestamps.get(i), offset, false);
            }
            List<TimestampOffset> entries = entries(index);
            for (int i = 1; i < entries.size(); i++) {
                assertThat(entries.get(i).timestamp()).as("timestamps grow").isGreaterThan(entries.get(i - 1).timestamp());
                assertThat(entries.get(i).offset()).as("offsets grow").isGreaterThanOrEqualTo(entries.get(i - 1).offset());
            }
            long maxOffered = timestamps.stream().limit(Math.min(timestamps.size(), offsetGaps.size())).mapToLong(Long::longValue)
                .max().orElse(Long.MIN_VALUE);
            if (!entries.isEmpty()) {
                assertThat(index.lastEntry()).isEqualTo(entries.get(entries.size() - 1));
                assertThat(index.lastEntry().timestamp()).as("the largest timestamp offered is kept").isEqualTo(maxOffered);
            }
            for (long target : targets) {
                TimestampOffset expected = new TimestampOffset(-1L, BASE);
                for (TimestampOffset e : entries) {
                    if (e.timestamp() < target) {
                        expected = e;
                    }
                }
                assertThat(index.lookup(target)).as("lookup(%d)", target).isEqualTo(expected);
            }
            assertThat(index.isSane()).isTrue();
        } finally {
            index.deleteIfExists();
        }
    }

    private static List<TimestampOffset> entries(TimeIndex index) {
        List<TimestampOffset> out = new ArrayList<>();
        for (int i = 0; i < index.entries(); i++) {
            out.add(new TimestampOffset(index.mmap.getLong(i * TimeIndex.ENTRY_SIZE),
                BASE + index.mmap.getInt(i * TimeIndex.ENTRY_SIZE + 8)));
        }
        return out;
    }
}
