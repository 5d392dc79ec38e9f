package io.gregor.cli.client;

import io.gregor.common.Futures;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Turns whatever a command throws into the single line printed after {@code Error: }.
 *
 * <p>Kafka client exceptions are phrased for developers ("The node does not support
 * LIST_GROUPS", "Timed out waiting for a node assignment"); this names what the user asked for
 * and what to do. An API missing from the broker's ApiVersions answer (an older Kafka broker, or
 * a feature Gregor does not offer, such as transactions) is named by the feature it belongs to.
 */
public final class Failures {
    /** How kafka-clients words an API missing from the broker's ApiVersions answer. */
    private static final Pattern UNSUPPORTED_API = Pattern.compile("does not support ([A-Z_]+)");

    private Failures() {
    }

    /** @param client the command's connection options, or null for commands without a broker */
    public static String explain(Throwable error, ClientOptions client) {
        Throwable e = unwrap(error);
        if (e instanceof CommandException) {
            return oneLine(e.getMessage());
        }
        if (e instanceof UnsupportedVersionException) {
            return unsupported(e, client);
        }
        if (e instanceof TimeoutException && client != null) {
            return "no answer from the cluster at " + client.bootstrap().joined() + " within " + client.timeoutMs()
                + " ms (" + oneLine(e.getMessage()) + "); raise --request-timeout-ms or check that the brokers' "
                + "advertised listeners are reachable from here";
        }
        if (e instanceof ApiException || e instanceof KafkaException) {
            String message = e.getMessage();
            return message == null || message.isBlank() ? e.getClass().getSimpleName() : oneLine(message);
        }
        return oneLine(e.getMessage() == null ? e.toString() : e.getMessage());
    }

    /** Strips the wrappers that futures and clients put around the real error. */
    public static Throwable unwrap(Throwable error) {
        Throwable e = Futures.unwrap(error);
        while (e.getClass() == KafkaException.class && e.getCause() instanceof KafkaException) {
            e = Futures.unwrap(e.getCause());
        }
        return e;
    }

    /**
     * The error for a feature the broker lacks, e.g. "the broker at localhost:9092 does not
     * support consumer groups (no FIND_COORDINATOR API)".
     */
    private static String unsupported(Throwable e, ClientOptions client) {
        String feature = unsupportedFeature(e.getMessage());
        String where = client == null ? "the broker" : "the broker at " + client.bootstrap().joined();
        Matcher api = UNSUPPORTED_API.matcher(String.valueOf(e.getMessage()));
        String detail = api.find() ? "no " + api.group(1) + " API" : oneLine(e.getMessage());
        return where + " does not support " + (feature == null ? "this request" : feature) + " (" + detail + ")";
    }

    /** Names the Gregor feature behind an API the broker does not advertise, or null. */
    static String unsupportedFeature(String message) {
        if (message == null) {
            return null;
        }
        String upper = message.toUpperCase(Locale.ROOT);
        String[] groupApis = {ApiKeys.FIND_COORDINATOR.name(), ApiKeys.JOIN_GROUP.name(), ApiKeys.SYNC_GROUP.name(),
            ApiKeys.HEARTBEAT.name(), ApiKeys.LEAVE_GROUP.name(), ApiKeys.OFFSET_COMMIT.name(), ApiKeys.OFFSET_FETCH.name(),
            ApiKeys.LIST_GROUPS.name(), ApiKeys.DESCRIBE_GROUPS.name(), ApiKeys.DELETE_GROUPS.name(),
            ApiKeys.OFFSET_DELETE.name(), ApiKeys.CONSUMER_GROUP_HEARTBEAT.name(), ApiKeys.CONSUMER_GROUP_DESCRIBE.name()};
        for (String api : groupApis) {
            if (upper.contains(api)) {
                return "consumer groups";
            }
        }
        if (upper.contains(ApiKeys.INCREMENTAL_ALTER_CONFIGS.name()) || upper.contains(ApiKeys.ALTER_CONFIGS.name())) {
            return "altering configs";
        }
        if (upper.contains(ApiKeys.DELETE_RECORDS.name())) {
            return "deleting records";
        }
        if (upper.contains("TRANSACTION") || upper.contains(ApiKeys.ADD_PARTITIONS_TO_TXN.name())) {
            return "transactions";
        }
        return null;
    }

    /** Error lines must stay one line even when a client message spans several. */
    public static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
