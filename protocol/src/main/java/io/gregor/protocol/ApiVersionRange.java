package io.gregor.protocol;

import org.apache.kafka.common.protocol.ApiKeys;

/**
 * An API and the versions of it a handler implements, stated as literals in each handler and
 * never derived from kafka-clients, so that a kafka-clients upgrade cannot widen what the broker
 * advertises in ApiVersions.
 */
public record ApiVersionRange(ApiKeys key, short min, short max) {

    public static ApiVersionRange of(ApiKeys key, int min, int max) {
        return new ApiVersionRange(key, (short) min, (short) max);
    }

    public boolean contains(short version) {
        return version >= min && version <= max;
    }
}
