package io.gregor.server.handlers;

import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.TopicImage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * A topic as a request names it, resolved in one metadata image. From the version where an API
 * names topics by id (Produce and Fetch v13, OffsetCommit and OffsetFetch v10) the id counts, and
 * a topic the image does not have is UNKNOWN_TOPIC_ID; before it the name counts, and a missing
 * topic is UNKNOWN_TOPIC_OR_PARTITION. A partition the topic does not have is
 * UNKNOWN_TOPIC_OR_PARTITION either way.
 *
 * @param topic the topic, or null when the image has none with that id or name
 * @param name  the topic's name, else the name in the request ({@code ""} if none): the name the
 *              handler keys the topic's partitions by
 * @param byId  whether the request names the topic by id
 * @param id    the id in the request
 */
public record TopicRef(TopicImage topic, String name, boolean byId, Uuid id) {

    /** @param byId whether the request's version names topics by id */
    public static TopicRef resolve(MetadataImage image, boolean byId, Uuid id, String name) {
        TopicImage topic = byId ? image.topic(id) : image.topic(name);
        String resolvedName = topic != null ? topic.name() : (name == null ? "" : name);
        return new TopicRef(topic, resolvedName, byId, id);
    }

    public boolean exists() {
        return topic != null;
    }

    /** What a request about a topic the image does not have is answered. */
    public Errors unknownTopicError() {
        return byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }

    /** The error for {@code partition} of this topic: {@link #unknownTopicError()}, UNKNOWN_TOPIC_OR_PARTITION, or NONE. */
    public Errors partitionError(int partition) {
        if (topic == null) {
            return unknownTopicError();
        }
        return topic.partition(partition) == null ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.NONE;
    }

    /** The topic as the request names it, for error messages: its id or its name. */
    public String requested() {
        return byId ? String.valueOf(id) : name;
    }
}
