package io.gregor.examples.springdemo;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;

/**
 * Reads {@value Topics#PROFILES} in group {@value Topics#PROFILE_GROUP} with manual commits:
 * it gets whole batches (what one poll returned), prints every record and acknowledges the
 * batch once, which commits the batch's offsets (the seed's "wait for a batch and send the ACK
 * for that batch at once"). {@link CommitBeforeRevoke} covers a rebalance in the middle.
 */
@Component
public class ProfileListener {
    private static final Logger log = LoggerFactory.getLogger(ProfileListener.class);

    private final ProcessedOffsets processed;
    private final Recent<ConsumerRecord<String, String>> received = new Recent<>();

    public ProfileListener(ProcessedOffsets processed) {
        this.processed = processed;
    }

    @KafkaListener(id = "profile-listener", topics = Topics.PROFILES, groupId = Topics.PROFILE_GROUP,
        containerFactory = "manualAckBatchFactory")
    public void onProfiles(List<ConsumerRecord<String, String>> batch, Acknowledgment ack) {
        for (ConsumerRecord<String, String> record : batch) {
            log.info("[{}] key={} value=\"{}\" partition={} offset={}", Topics.PROFILE_GROUP, record.key(), record.value(),
                record.partition(), record.offset());
            received.add(record);
            processed.processed(record);
        }
        ack.acknowledge();
        log.info("[{}] acknowledged a batch of {}", Topics.PROFILE_GROUP, batch.size());
    }

    public Recent<ConsumerRecord<String, String>> received() {
        return received;
    }
}
