package io.gregor.examples.wordcount;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The topology's logic without a broker (Kafka's TopologyTestDriver); the ITs run it on Gregor. */
class WordCountTopologyTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:15:00Z");

    private TopologyTestDriver driver;
    private TestInputTopic<String, String> lines;
    private TestInputTopic<String, String> lookups;
    private TestOutputTopic<String, String> counts;
    private TestOutputTopic<String, String> perMinute;
    private TestOutputTopic<String, String> lookupResults;

    @BeforeEach
    void createDriver() {
        Properties config = WordCountApp.config(new String[] {"--bootstrap-server", "unused:9092"});
        config.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/wordcount-topology-test");
        driver = new TopologyTestDriver(WordCountTopology.build(), config);
        lines = driver.createInputTopic(WordCountTopology.TEXT_LINES, new StringSerializer(), new StringSerializer());
        lookups = driver.createInputTopic(WordCountTopology.WORD_LOOKUPS, new StringSerializer(), new StringSerializer());
        counts = driver.createOutputTopic(WordCountTopology.WORD_COUNTS, new StringDeserializer(), new StringDeserializer());
        perMinute = driver.createOutputTopic(WordCountTopology.WORD_COUNTS_PER_MINUTE, new StringDeserializer(), new StringDeserializer());
        lookupResults = driver.createOutputTopic(WordCountTopology.WORD_LOOKUP_RESULTS, new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldCountWordsCaseInsensitivelyIgnoringPunctuation() {
        lines.pipeInput(null, "Hello, world!", T0);
        lines.pipeInput(null, "hello   Gregor's world", T0.plusSeconds(1));

        assertThat(counts.readKeyValuesToMap())
            .containsEntry("hello", "2").containsEntry("world", "2").containsEntry("gregor's", "1").hasSize(3);
    }

    @Test
    void shouldCountPerMinuteWindow() {
        lines.pipeInput(null, "a b a", T0.plusSeconds(10));
        lines.pipeInput(null, "a", T0.plusSeconds(70));

        assertThat(perMinute.readKeyValuesToMap())
            .containsEntry("a@2024-05-01T10:15:00Z", "2")
            .containsEntry("b@2024-05-01T10:15:00Z", "1")
            .containsEntry("a@2024-05-01T10:16:00Z", "1")
            .hasSize(3);
    }

    @Test
    void shouldAnswerALookupWithTheCurrentCount() {
        lines.pipeInput(null, "to be or not to be", T0);
        lookups.pipeInput(null, "be", T0.plusSeconds(1));
        lookups.pipeInput(null, "unknown", T0.plusSeconds(2));

        assertThat(lookupResults.readValuesToList()).containsExactly("be: 2", "unknown: 0");
    }
}
