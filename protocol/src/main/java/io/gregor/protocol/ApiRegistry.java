package io.gregor.protocol;

import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The set of handled APIs. It is the single source of truth for what the broker supports:
 * the ApiVersions answer is generated from it, so a version is advertised if and only if a
 * handler takes it, with one exception Kafka makes too: Produce is advertised from v0 although
 * only v3 and later are handled (see {@link #PRODUCE_ADVERTISED_MIN_VERSION}).
 *
 * <p>Immutable after {@link Builder#build()}; safe to share between event loops.
 */
public final class ApiRegistry {
    /**
     * Kafka 4.0 removed Produce v0-v2 (KIP-896) but, since KAFKA-18659, still advertises Produce
     * from v0 in ApiVersions: librdkafka derives its features from the advertised ranges and,
     * without Produce v0-v2, turns off message format v1 and with it compression (kcat's
     * {@code -z} then sends uncompressed batches without a word). A v0-v2 request is still
     * refused as Kafka refuses it: kafka-clients cannot parse it, so {@link RequestDecoder}
     * closes the connection. A literal, like every handler's range, not kafka-clients' constant.
     */
    static final short PRODUCE_ADVERTISED_MIN_VERSION = 0;

    private final Map<ApiKeys, ApiHandler<?>> handlers;
    private final ApiVersionCollection versions;

    private ApiRegistry(Map<ApiKeys, ApiHandler<?>> handlers) {
        // The ApiVersions handler only reads the registry when a request arrives, after construction.
        handlers.put(ApiKeys.API_VERSIONS, new ApiVersionsHandler(this));
        this.handlers = handlers;
        ApiVersionCollection collection = new ApiVersionCollection();
        for (ApiHandler<?> handler : handlers.values()) {
            collection.add(new ApiVersion()
                .setApiKey(handler.apiKey().id)
                .setMinVersion(handler.apiKey() == ApiKeys.PRODUCE ? PRODUCE_ADVERTISED_MIN_VERSION : handler.minVersion())
                .setMaxVersion(handler.maxVersion()));
        }
        this.versions = collection;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** @return the handler for this API and version, or {@code null} when not handled */
    public ApiHandler<?> handler(ApiKeys key, short version) {
        ApiHandler<?> handler = handlers.get(key);
        if (handler == null || !handler.versions().contains(version)) {
            return null;
        }
        return handler;
    }

    /** @return a fresh copy of the advertised versions (the collection is mutable) */
    public ApiVersionCollection apiVersions() {
        return versions.duplicate();
    }

    public boolean handles(ApiKeys key) {
        return handlers.containsKey(key);
    }

    public static final class Builder {
        private final Map<ApiKeys, ApiHandler<?>> handlers = new EnumMap<>(ApiKeys.class);

        /**
         * @throws IllegalArgumentException for a second handler of one API, a version range
         *         kafka-clients cannot parse, or an ApiVersions handler (the registry answers
         *         ApiVersions itself, from what is registered)
         */
        public Builder register(ApiHandler<?> handler) {
            ApiKeys key = handler.apiKey();
            if (key == ApiKeys.API_VERSIONS) {
                // It would be replaced by the registry's own without a word.
                throw new IllegalArgumentException("API_VERSIONS is answered by the registry; do not register a handler for it");
            }
            if (handler.minVersion() < key.oldestVersion() || handler.maxVersion() > key.latestVersion(true)
                || handler.minVersion() > handler.maxVersion()) {
                throw new IllegalArgumentException("Handler for " + key + " declares versions "
                    + handler.minVersion() + ".." + handler.maxVersion() + " outside what kafka-clients can parse");
            }
            if (handlers.putIfAbsent(key, handler) != null) {
                throw new IllegalArgumentException("Two handlers for " + key);
            }
            return this;
        }

        /** Builds the registry; ApiVersions is always handled, answered from the registry itself. */
        public ApiRegistry build() {
            return new ApiRegistry(new EnumMap<>(handlers));
        }
    }
}
