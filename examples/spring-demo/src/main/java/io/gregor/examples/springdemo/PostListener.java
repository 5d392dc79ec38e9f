package io.gregor.examples.springdemo;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Reads {@value Topics#POSTS} in group {@value Topics#POST_GROUP}, each JSON value turned back
 * into a {@link Post}; offsets are committed by the consumer itself ({@code enable.auto.commit}).
 */
@Component
public class PostListener {
    private static final Logger log = LoggerFactory.getLogger(PostListener.class);

    private final Recent<ConsumerRecord<String, Post>> received = new Recent<>();

    @KafkaListener(id = "post-listener", topics = Topics.POSTS, groupId = Topics.POST_GROUP, containerFactory = "autoCommitFactory")
    public void onPost(ConsumerRecord<String, Post> record) {
        log.info("[{}] key={} value={} partition={} offset={}", Topics.POST_GROUP, record.key(), record.value(),
            record.partition(), record.offset());
        received.add(record);
    }

    public Recent<ConsumerRecord<String, Post>> received() {
        return received;
    }
}
