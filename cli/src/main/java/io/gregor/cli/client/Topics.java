package io.gregor.cli.client;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Topic look-ups shared by the commands, failing with "topic 'x' does not exist" for an unknown name. */
public final class Topics {
    private Topics() {
    }

    public static TopicDescription describe(Admin admin, String topic) {
        return describe(admin, java.util.List.of(topic)).get(topic);
    }

    /** @return the descriptions in the order asked */
    public static Map<String, TopicDescription> describe(Admin admin, Collection<String> topics) {
        Map<String, KafkaFuture<TopicDescription>> futures = admin.describeTopics(topics).topicNameValues();
        Map<String, TopicDescription> out = new LinkedHashMap<>();
        for (String topic : topics) {
            try {
                out.put(topic, KafkaFutures.await(futures.get(topic)));
            } catch (UnknownTopicOrPartitionException e) {
                throw unknown(topic);
            }
        }
        return out;
    }

    public static CommandException unknown(String topic) {
        return new CommandException("topic '" + topic + "' does not exist");
    }
}
