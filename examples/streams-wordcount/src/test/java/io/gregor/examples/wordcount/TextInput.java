package io.gregor.examples.wordcount;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Lines of words from a small vocabulary, made from a seed, and how often each word occurs in
 * them: the truth a word count is checked against.
 */
final class TextInput {
    private static final List<String> VOCABULARY = List.of(
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett",
        "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
        "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "gregor", "kafka", "stream", "table");

    private TextInput() {
    }

    /** {@code count} lines of 3 to 8 words, with mixed case and punctuation that the count ignores. */
    static List<String> lines(long seed, int count) {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int words = 3 + random.nextInt(6);
            StringBuilder line = new StringBuilder();
            for (int w = 0; w < words; w++) {
                String word = VOCABULARY.get(random.nextInt(VOCABULARY.size()));
                if (w > 0) {
                    line.append(random.nextInt(5) == 0 ? ", " : " ");
                }
                line.append(random.nextInt(4) == 0 ? word.toUpperCase() : word);
            }
            lines.add(line.append('.').toString());
        }
        return lines;
    }

    /** Occurrences of each word in {@code lines}, as the topology splits them. */
    static Map<String, Long> counts(List<String> lines) {
        Map<String, Long> counts = new TreeMap<>();
        for (String line : lines) {
            for (String word : WordCountTopology.words(line)) {
                counts.merge(word, 1L, Long::sum);
            }
        }
        return counts;
    }

    /** Words in {@code lines}, as the topology splits them. */
    static long wordCount(List<String> lines) {
        return counts(lines).values().stream().mapToLong(Long::longValue).sum();
    }
}
