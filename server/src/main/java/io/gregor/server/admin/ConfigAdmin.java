package io.gregor.server.admin;

import io.gregor.metadata.MetadataImage;
import io.gregor.metadata.MetadataView;
import io.gregor.metadata.TopicImage;
import io.gregor.metadata.store.ConfigStore;
import io.gregor.server.BrokerConfig;
import io.gregor.storage.config.LogConfig;
import io.gregor.storage.config.TopicConfigDef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Changes topic configs and dynamic broker configs at runtime (AlterConfigs and
 * IncrementalAlterConfigs). Topic overrides live in {@code /config/topics/<topic>}, dynamic broker
 * configs in {@code /config/brokers/<id>} or {@code /config/brokers/<default>}; every broker
 * watches them, so changes apply to running logs without a restart.
 *
 * <p>Only the broker-level defaults of topic configs (e.g. {@code log.retention.ms},
 * {@code message.max.bytes}) can be changed dynamically; other broker configs are read-only, and
 * changing one is refused with INVALID_REQUEST, as Kafka does.
 */
public final class ConfigAdmin {
    private static final long APPLY_TIMEOUT_MS = 30_000;

    /** The incremental operations, by their wire codes. */
    public enum Op { SET, DELETE, APPEND, SUBTRACT }

    /** One requested change. */
    public record Change(String name, Op op, String value) {
    }

    private final ConfigStore store;
    private final MetadataView cache;
    private final BrokerConfig brokerConfig;
    private final ConfigDescriber describer;
    private final Executor executor;

    public ConfigAdmin(ConfigStore store, MetadataView cache, BrokerConfig brokerConfig, ConfigDescriber describer, Executor executor) {
        this.store = store;
        this.cache = cache;
        this.brokerConfig = brokerConfig;
        this.describer = describer;
        this.executor = executor;
    }

    /** Broker configs that may be changed at runtime. */
    public static Set<String> dynamicBrokerKeys() {
        Set<String> keys = new HashSet<>();
        for (List<TopicConfigDef.Synonym> synonyms : TopicConfigDef.SYNONYMS.values()) {
            for (TopicConfigDef.Synonym s : synonyms) {
                keys.add(s.brokerKey());
            }
        }
        keys.add(BrokerConfig.LEADER_REPLICATION_THROTTLED_RATE);
        keys.add(BrokerConfig.FOLLOWER_REPLICATION_THROTTLED_RATE);
        keys.add("replica.alter.log.dirs.io.max.bytes.per.second");
        keys.add(BrokerConfig.LOG_CLEANER_IO_MAX_BYTES_PER_SECOND);
        return keys;
    }

    // ---- topics ----

    public CompletableFuture<Void> alterTopic(String topic, List<Change> changes, boolean incremental, boolean validateOnly) {
        TopicImage image = cache.image().topic(topic);
        if (image == null) {
            return CompletableFuture.failedFuture(new UnknownTopicOrPartitionException("Topic '" + topic + "' does not exist."));
        }
        Map<String, String> updated;
        try {
            checkDuplicates(changes);
            updated = incremental ? apply(image.configs(), changes, name -> effectiveTopicValue(image, name), TopicConfigDef.DEF)
                : replaceAll(changes);
            LogConfig.validateOverrides(updated);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (validateOnly) {
            return CompletableFuture.completedFuture(null);
        }
        Map<String, String> target = Map.copyOf(updated);
        return CompletableFuture.runAsync(() -> {
            try {
                store.setTopicConfig(topic, target);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, executor).thenCompose(v -> cache.await(img -> {
            TopicImage t = img.topic(topic);
            return t == null || t.configs().equals(target);
        }).orTimeout(APPLY_TIMEOUT_MS, TimeUnit.MILLISECONDS)).thenApply(img -> null);
    }

    private String effectiveTopicValue(TopicImage topic, String name) {
        Object value = describer.logConfig(topic, cache.image().brokerConfigs()).value(name);
        return ConfigDescriber.format(value);
    }

    // ---- brokers ----

    /**
     * @param entity a broker id, or the empty string for the cluster-wide default
     */
    public CompletableFuture<Void> alterBroker(String entity, List<Change> changes, boolean incremental, boolean validateOnly) {
        String node = entity == null || entity.isEmpty() ? ConfigStore.DEFAULT_BROKER_ENTITY : entity;
        if (!node.equals(ConfigStore.DEFAULT_BROKER_ENTITY)) {
            try {
                Integer.parseInt(node);
            } catch (NumberFormatException e) {
                return CompletableFuture.failedFuture(new InvalidRequestException("Invalid broker id '" + entity + "'"));
            }
        }
        MetadataImage image = cache.image();
        Map<String, String> current = node.equals(ConfigStore.DEFAULT_BROKER_ENTITY) ? image.defaultBrokerConfigs()
            : node.equals(Integer.toString(brokerConfig.brokerId())) ? perBrokerLayer(image) : Map.of();
        Map<String, String> updated;
        try {
            checkDuplicates(changes);
            Set<String> dynamic = dynamicBrokerKeys();
            for (Change c : changes) {
                if (!BrokerConfig.DEF.configKeys().containsKey(c.name())) {
                    throw new InvalidConfigurationException("Unknown broker config name: " + c.name());
                }
                if (!dynamic.contains(c.name())) {
                    // INVALID_REQUEST, not INVALID_CONFIG: what Kafka answers (see KAFKA-13609), and clients expect.
                    throw new InvalidRequestException("Cannot update these configs dynamically: [" + c.name() + "] (read-only)");
                }
            }
            updated = incremental ? apply(current, changes, name -> brokerValue(name), BrokerConfig.DEF) : replaceAll(changes);
            for (Map.Entry<String, String> e : updated.entrySet()) {
                Map<String, Object> one = new HashMap<>();
                one.put(e.getKey(), e.getValue());
                try {
                    BrokerConfig.DEF.parse(one);
                } catch (ConfigException ex) {
                    throw new InvalidConfigurationException(ex.getMessage());
                }
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (validateOnly) {
            return CompletableFuture.completedFuture(null);
        }
        Map<String, String> target = Map.copyOf(updated);
        boolean visibleHere = node.equals(ConfigStore.DEFAULT_BROKER_ENTITY) || node.equals(Integer.toString(brokerConfig.brokerId()));
        return CompletableFuture.runAsync(() -> {
            try {
                store.setBrokerConfig(node, target);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, executor).thenCompose(v -> !visibleHere ? CompletableFuture.completedFuture(null) : cache.await(img -> {
            Map<String, String> now = node.equals(ConfigStore.DEFAULT_BROKER_ENTITY) ? img.defaultBrokerConfigs() : perBrokerLayer(img);
            return now.equals(target);
        }).orTimeout(APPLY_TIMEOUT_MS, TimeUnit.MILLISECONDS)).thenApply(img -> null);
    }

    /** This broker's own dynamic configs, without the cluster default layer. */
    static Map<String, String> perBrokerLayer(MetadataImage image) {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, String> e : image.brokerConfigs().entrySet()) {
            if (!Objects.equals(image.defaultBrokerConfigs().get(e.getKey()), e.getValue())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    private String brokerValue(String name) {
        String dynamic = cache.image().brokerConfigs().get(name);
        if (dynamic != null) {
            return dynamic;
        }
        String stat = brokerConfig.originals().get(name);
        return stat != null ? stat : ConfigDescriber.format(BrokerConfig.DEF.configKeys().get(name).defaultValue);
    }

    // ---- shared ----

    private static void checkDuplicates(List<Change> changes) {
        Set<String> seen = new HashSet<>();
        for (Change c : changes) {
            if (!seen.add(c.name())) {
                throw new InvalidRequestException("Error due to duplicate config keys: " + c.name());
            }
        }
    }

    private static Map<String, String> replaceAll(List<Change> changes) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Change c : changes) {
            if (c.value() != null) {
                out.put(c.name(), c.value());
            }
        }
        return out;
    }

    private static Map<String, String> apply(Map<String, String> current, List<Change> changes,
                                             java.util.function.Function<String, String> effective, ConfigDef def) {
        Map<String, String> out = new LinkedHashMap<>(current);
        for (Change c : changes) {
            ConfigDef.ConfigKey key = def.configKeys().get(c.name());
            switch (c.op()) {
                case SET:
                    if (c.value() == null) {
                        throw new InvalidConfigurationException("Null value not supported for " + c.name());
                    }
                    out.put(c.name(), c.value());
                    break;
                case DELETE:
                    out.remove(c.name());
                    break;
                case APPEND:
                case SUBTRACT:
                    if (key == null) {
                        throw new InvalidConfigurationException("Unknown config name: " + c.name());
                    }
                    if (key.type != ConfigDef.Type.LIST) {
                        throw new InvalidConfigurationException("Config value " + (c.op() == Op.APPEND ? "append" : "subtract")
                            + " is not allowed for config key: " + c.name());
                    }
                    String base = out.containsKey(c.name()) ? out.get(c.name()) : effective.apply(c.name());
                    List<String> items = split(base);
                    for (String v : split(c.value())) {
                        if (c.op() == Op.APPEND && !items.contains(v)) {
                            items.add(v);
                        } else if (c.op() == Op.SUBTRACT) {
                            items.remove(v);
                        }
                    }
                    out.put(c.name(), String.join(",", items));
                    break;
                default:
                    throw new InvalidRequestException("Unknown config operation " + c.op());
            }
        }
        return out;
    }

    private static List<String> split(String value) {
        List<String> items = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return items;
        }
        for (String s : value.split(",")) {
            if (!s.isBlank()) {
                items.add(s.trim());
            }
        }
        return items;
    }
}
