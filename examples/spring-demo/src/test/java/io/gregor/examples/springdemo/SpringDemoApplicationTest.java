package io.gregor.examples.springdemo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gregor.testkit.GregorCluster;
import io.gregor.testkit.GregorTestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The demo end to end on an in-process Gregor: the endpoints are called over HTTP as curl
 * would, and both listeners must receive what they published. {@code @GregorCluster} is all it
 * takes to point the application's {@code spring.kafka.bootstrap-servers} at the cluster.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    // The in-process broker logs into the application's console; keep its ZooKeeper quiet.
    properties = {"logging.level.org.apache.zookeeper=WARN", "logging.level.org.apache.curator=WARN"})
@GregorCluster(topics = {Topics.PROFILES, Topics.POSTS})
class SpringDemoApplicationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Value("${local.server.port}")
    int port;

    @Autowired
    ProfileListener profileListener;

    @Autowired
    PostListener postListener;

    @Autowired
    GregorTestCluster cluster;

    @Test
    void shouldDeliverTheProfileStringToTheManualAckListener() throws Exception {
        JsonNode sent = get("/profile/alice");

        assertThat(sent.get("topic").asString()).isEqualTo(Topics.PROFILES);
        assertThat(sent.get("value").asString()).isEqualTo("Profile of alice was viewed");
        long offset = sent.get("offset").asLong();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(profileListener.received().list()).anySatisfy(r -> {
            assertThat(r.key()).isEqualTo("alice");
            assertThat(r.value()).isEqualTo("Profile of alice was viewed");
            assertThat(r.partition()).isEqualTo(sent.get("partition").asInt());
            assertThat(r.offset()).isEqualTo(offset);
        }));
        await().atMost(TIMEOUT).untilAsserted(() ->
            assertThat(committed(Topics.PROFILE_GROUP, Topics.PROFILES)).isGreaterThan(offset));
    }

    @Test
    void shouldDeliverThePostAsJsonToTheAutoCommitListener() throws Exception {
        JsonNode sent = get("/post/bob");

        assertThat(sent.get("topic").asString()).isEqualTo(Topics.POSTS);
        assertThat(sent.get("value").get("author").asString()).isEqualTo("bob");
        long offset = sent.get("offset").asLong();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(postListener.received().list()).anySatisfy(r -> {
            assertThat(r.key()).isEqualTo("bob");
            assertThat(r.value()).isEqualTo(new Post("bob", "Hello from bob", sent.get("value").get("body").asString()));
            assertThat(r.offset()).isEqualTo(offset);
        }));
        await().atMost(TIMEOUT).untilAsserted(() ->
            assertThat(committed(Topics.POST_GROUP, Topics.POSTS)).isGreaterThan(offset));
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    /** The group's committed offset of partition 0, or -1. */
    private long committed(String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = cluster.admin().listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, 0));
        return offset == null ? -1 : offset.offset();
    }
}
