package org.apache.kafka.common.utils;

/**
 * Lets the file connectors of {@code connect-file} 4.3.1 run on the 4.4.0 runtime.
 *
 * <p>{@code org.apache.kafka:connect-file} 4.4.0 is not on Maven Central, so this example uses
 * 4.3.1, whose {@code FileStreamSourceConnector.version()} and
 * {@code FileStreamSinkConnector.version()} call {@code AppInfoParser.getVersion()} in this
 * package. Kafka 4.4 moved that class to {@code org.apache.kafka.common.utils.internals}; without
 * this class Connect fails to validate either connector with {@code NoClassDefFoundError}.
 * Nothing else in connect-file 4.3.1 refers to a class that 4.4.0 lacks ({@code jdeps}). Delete
 * this file when connect-file 4.4.0 is used.
 */
public final class AppInfoParser {
    private AppInfoParser() {
    }

    /** The version of the Kafka client library, as 4.3's {@code AppInfoParser.getVersion()}. */
    public static String getVersion() {
        return org.apache.kafka.common.utils.internals.AppInfoParser.getVersion();
    }

    /** The commit of the Kafka client library, as 4.3's {@code AppInfoParser.getCommitId()}. */
    public static String getCommitId() {
        return org.apache.kafka.common.utils.internals.AppInfoParser.getCommitId();
    }
}
