package io.gregor.examples.wordcount;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;

/**
 * The word-count topology. Every topic holds UTF-8 strings (counts too), so that
 * {@code bin/gregor consume} prints them as they are:
 *
 * <pre>
 * text-lines ──split into words──▶ repartition by word ─┬─ count ────────────▶ word-counts        (word → total)
 *                                   (…-words-repartition) │  store "word-counts", changelog …-word-counts-changelog (compacted)
 *                                                         └─ count per minute ─▶ word-counts-per-minute (word@minute → count)
 *                                                            store "word-counts-per-minute", changelog compact,delete
 * word-lookups ──key by word──▶ repartition (…-lookups-repartition) ──left join with the word-counts table──▶ word-lookup-results
 * </pre>
 *
 * The internal topics (two repartition topics, two changelogs) are created by Kafka Streams when
 * the application starts; their names begin with the {@code application.id}.
 */
public final class WordCountTopology {
    public static final String TEXT_LINES = "text-lines";
    public static final String WORD_COUNTS = "word-counts";
    public static final String WORD_COUNTS_PER_MINUTE = "word-counts-per-minute";
    public static final String WORD_LOOKUPS = "word-lookups";
    public static final String WORD_LOOKUP_RESULTS = "word-lookup-results";

    /** The topics the application reads and writes; it does not create them. */
    public static final String[] USER_TOPICS = {TEXT_LINES, WORD_COUNTS, WORD_COUNTS_PER_MINUTE, WORD_LOOKUPS, WORD_LOOKUP_RESULTS};

    public static final String COUNTS_STORE = "word-counts";
    public static final String WINDOWED_COUNTS_STORE = "word-counts-per-minute";

    /** Tumbling windows of one minute; records up to 30 s late still count in their window. */
    public static final Duration WINDOW = Duration.ofMinutes(1);
    public static final Duration GRACE = Duration.ofSeconds(30);

    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}']+");

    private WordCountTopology() {
    }

    public static Topology build() {
        return build(new StreamsBuilder());
    }

    /** The topology, built with the application's config (Streams then warns only about that config). */
    public static Topology build(Properties config) {
        return build(new StreamsBuilder(new TopologyConfig(new StreamsConfig(config))));
    }

    private static Topology build(StreamsBuilder builder) {

        KStream<String, String> words = builder
            .stream(TEXT_LINES, Consumed.with(Serdes.String(), Serdes.String()))
            .flatMapValues(WordCountTopology::words);

        // Grouping by the word changes the key: Streams writes the words to a repartition topic,
        // so that all occurrences of a word reach the same task, and purges that topic with
        // DeleteRecords once they are committed.
        KGroupedStream<String, String> byWord = words.groupBy((line, word) -> word,
            Grouped.with("words", Serdes.String(), Serdes.String()));

        KTable<String, Long> counts = byWord.count(Materialized.as(COUNTS_STORE));
        counts.toStream()
            .mapValues(count -> Long.toString(count))
            .to(WORD_COUNTS, Produced.with(Serdes.String(), Serdes.String()));

        byWord.windowedBy(TimeWindows.ofSizeAndGrace(WINDOW, GRACE))
            .count(Materialized.as(WINDOWED_COUNTS_STORE))
            .toStream((window, count) -> windowedKey(window.key(), window.window().startTime()))
            .mapValues(count -> Long.toString(count))
            .to(WORD_COUNTS_PER_MINUTE, Produced.with(Serdes.String(), Serdes.String()));

        // A word typed into word-lookups (as the value; keys are ignored) is answered with its
        // current total: the stream is re-keyed by the word, repartitioned to meet the table's
        // partitioning, and joined with the counts table.
        builder.stream(WORD_LOOKUPS, Consumed.with(Serdes.String(), Serdes.String()))
            .flatMapValues(WordCountTopology::words)
            .selectKey((key, word) -> word)
            .repartition(Repartitioned.with(Serdes.String(), Serdes.String()).withName("lookups"))
            .leftJoin(counts, (word, count) -> word + ": " + (count == null ? 0 : count))
            .to(WORD_LOOKUP_RESULTS, Produced.with(Serdes.String(), Serdes.String()));

        return builder.build();
    }

    /** Lower-case words of a line: letters, digits and apostrophes. */
    public static Iterable<String> words(String line) {
        if (line == null) {
            return List.of();
        }
        return Arrays.stream(NON_WORD.split(line.toLowerCase(Locale.ROOT)))
            .filter(word -> !word.isEmpty())
            .toList();
    }

    /** The key of a windowed count: {@code word@2024-05-01T10:15:00Z} (the window's start). */
    public static String windowedKey(String word, Instant windowStart) {
        return word + "@" + windowStart;
    }
}
