package io.gregor.metadata.store;

import java.util.Map;

/**
 * Config overrides: of topics ({@code /config/topics/<topic>}) and dynamic broker configs
 * ({@code /config/brokers/<id>}, and {@code /config/brokers/<default>} for the whole cluster).
 * Every write replaces the entity's whole map.
 */
public interface ConfigStore {
    /** The broker entity whose configs apply to every broker that has no value of its own. */
    String DEFAULT_BROKER_ENTITY = "<default>";

    /** Replaces a topic's config overrides. */
    void setTopicConfig(String topic, Map<String, String> configs) throws Exception;

    /** Replaces dynamic broker configs ({@code entity} is a broker id or {@link #DEFAULT_BROKER_ENTITY}). */
    void setBrokerConfig(String entity, Map<String, String> configs) throws Exception;
}
