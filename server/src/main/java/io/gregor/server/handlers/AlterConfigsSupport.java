package io.gregor.server.handlers;

import io.gregor.server.admin.ConfigAdmin;
import io.gregor.server.admin.TopicAdmin;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;

/** Routes an alter request for one resource to the topic or broker config admin. */
final class AlterConfigsSupport {
    private AlterConfigsSupport() {
    }

    static CompletableFuture<Void> alter(ConfigAdmin admin, byte resourceType, String resourceName, List<ConfigAdmin.Change> changes,
                                         boolean incremental, boolean validateOnly) {
        ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        if (type == ConfigResource.Type.TOPIC) {
            return admin.alterTopic(resourceName, changes, incremental, validateOnly);
        }
        if (type == ConfigResource.Type.BROKER) {
            return admin.alterBroker(resourceName, changes, incremental, validateOnly);
        }
        return CompletableFuture.failedFuture(new InvalidRequestException("Gregor cannot alter configs of resource type " + type));
    }

    static short errorCode(Throwable error) {
        return error == null ? 0 : TopicAdmin.errorOf(error).code();
    }

    static String errorMessage(Throwable error) {
        return error == null ? null : TopicAdmin.messageOf(error);
    }
}
