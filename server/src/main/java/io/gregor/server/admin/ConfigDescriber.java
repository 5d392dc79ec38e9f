package io.gregor.server.admin;

import io.gregor.metadata.TopicImage;
import io.gregor.server.BrokerConfig;
import io.gregor.storage.config.LogConfig;
import io.gregor.storage.config.TopicConfigDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * Explains configs the way Kafka's DescribeConfigs does: each config's effective value, where it
 * comes from (topic override, broker config, default), and its synonyms in precedence order
 * (e.g. {@code retention.ms} ← {@code log.retention.ms} ← {@code log.retention.hours}).
 */
public final class ConfigDescriber {
    private final BrokerConfig brokerConfig;

    public ConfigDescriber(BrokerConfig brokerConfig) {
        this.brokerConfig = brokerConfig;
    }

    /** One config as described to clients. */
    public record Described(String name, String value, ConfigSource source, boolean readOnly, boolean sensitive,
                            List<Synonym> synonyms, ConfigType type, String documentation) {
    }

    public record Synonym(String name, String value, ConfigSource source) {
    }

    /** The effective log config of a topic: Kafka defaults ← broker config (static, then dynamic) ← topic overrides. */
    public LogConfig logConfig(TopicImage topic, Map<String, String> dynamicBrokerConfigs) {
        Map<String, String> overrides = topic == null ? Map.of() : topic.configs();
        try {
            return LogConfig.create(brokerConfig.topicDefaults(dynamicBrokerConfigs), overrides);
        } catch (RuntimeException e) {
            // Overrides stored by an older or foreign writer that no longer validate: fall back to broker defaults.
            return LogConfig.create(brokerConfig.topicDefaults(dynamicBrokerConfigs), Map.of());
        }
    }

    public List<Described> describeTopic(TopicImage topic, Map<String, String> dynamicBrokerConfigs) {
        List<Described> out = new ArrayList<>();
        Map<String, String> overrides = topic.configs();
        for (ConfigDef.ConfigKey key : TopicConfigDef.DEF.configKeys().values()) {
            List<Synonym> synonyms = new ArrayList<>();
            if (overrides.containsKey(key.name)) {
                synonyms.add(new Synonym(key.name, overrides.get(key.name), ConfigSource.TOPIC_CONFIG));
            }
            for (TopicConfigDef.Synonym s : TopicConfigDef.SYNONYMS.getOrDefault(key.name, List.of())) {
                if (dynamicBrokerConfigs.containsKey(s.brokerKey())) {
                    synonyms.add(new Synonym(s.brokerKey(), dynamicBrokerConfigs.get(s.brokerKey()), dynamicSource(s.brokerKey())));
                }
                if (brokerConfig.originals().containsKey(s.brokerKey())) {
                    synonyms.add(new Synonym(s.brokerKey(), brokerConfig.originals().get(s.brokerKey()).trim(), ConfigSource.STATIC_BROKER_CONFIG));
                }
            }
            List<TopicConfigDef.Synonym> brokerSynonyms = TopicConfigDef.SYNONYMS.getOrDefault(key.name, List.of());
            if (!brokerSynonyms.isEmpty()) {
                TopicConfigDef.Synonym last = brokerSynonyms.get(brokerSynonyms.size() - 1);
                Object def = BrokerConfig.DEF.configKeys().get(last.brokerKey()).defaultValue;
                if (def != null) {
                    synonyms.add(new Synonym(last.brokerKey(), format(def), ConfigSource.DEFAULT_CONFIG));
                }
            }
            String value;
            ConfigSource source;
            if (overrides.containsKey(key.name)) {
                value = overrides.get(key.name);
                source = ConfigSource.TOPIC_CONFIG;
            } else {
                Object effective = logConfig(null, dynamicBrokerConfigs).value(key.name);
                value = format(effective);
                source = synonyms.isEmpty() ? ConfigSource.DEFAULT_CONFIG : synonyms.get(0).source();
            }
            out.add(new Described(key.name, value, source, false, false, synonyms, typeOf(key.type), key.documentation));
        }
        return out;
    }

    /** Where a dynamic broker config comes from: this broker's own layer or the cluster default. */
    private ConfigSource dynamicSource(String key) {
        return defaultLayer.containsKey(key) && !perBrokerLayer.containsKey(key)
            ? ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG : ConfigSource.DYNAMIC_BROKER_CONFIG;
    }

    private Map<String, String> defaultLayer = Map.of();
    private Map<String, String> perBrokerLayer = Map.of();

    /** Remembers the dynamic layers of the current image, for sources in descriptions. */
    public ConfigDescriber withImage(io.gregor.metadata.MetadataImage image) {
        ConfigDescriber d = new ConfigDescriber(brokerConfig);
        d.defaultLayer = image.defaultBrokerConfigs();
        d.perBrokerLayer = ConfigAdmin.perBrokerLayer(image);
        return d;
    }

    public List<Described> describeBroker() {
        List<Described> out = new ArrayList<>();
        java.util.Set<String> dynamicKeys = ConfigAdmin.dynamicBrokerKeys();
        for (ConfigDef.ConfigKey key : BrokerConfig.DEF.configKeys().values()) {
            String raw = brokerConfig.originals().get(key.name);
            ConfigSource source = raw != null ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
            String value = raw != null ? raw.trim() : format(key.defaultValue);
            List<Synonym> synonyms = new ArrayList<>();
            if (perBrokerLayer.containsKey(key.name)) {
                synonyms.add(new Synonym(key.name, perBrokerLayer.get(key.name), ConfigSource.DYNAMIC_BROKER_CONFIG));
            }
            if (defaultLayer.containsKey(key.name)) {
                synonyms.add(new Synonym(key.name, defaultLayer.get(key.name), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG));
            }
            if (!synonyms.isEmpty()) {
                value = synonyms.get(0).value();
                source = synonyms.get(0).source();
            }
            if (raw != null) {
                synonyms.add(new Synonym(key.name, raw.trim(), ConfigSource.STATIC_BROKER_CONFIG));
            }
            if (key.defaultValue != null) {
                synonyms.add(new Synonym(key.name, format(key.defaultValue), ConfigSource.DEFAULT_CONFIG));
            }
            out.add(new Described(key.name, value, source, !dynamicKeys.contains(key.name), false, synonyms, typeOf(key.type),
                key.documentation));
        }
        return out;
    }

    static String format(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list) {
            StringBuilder sb = new StringBuilder();
            for (Object o : list) {
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(o);
            }
            return sb.toString();
        }
        return value.toString();
    }

    static ConfigType typeOf(ConfigDef.Type type) {
        switch (type) {
            case BOOLEAN: return ConfigType.BOOLEAN;
            case STRING: return ConfigType.STRING;
            case INT: return ConfigType.INT;
            case SHORT: return ConfigType.SHORT;
            case LONG: return ConfigType.LONG;
            case DOUBLE: return ConfigType.DOUBLE;
            case LIST: return ConfigType.LIST;
            case CLASS: return ConfigType.CLASS;
            case PASSWORD: return ConfigType.PASSWORD;
            default: return ConfigType.UNKNOWN;
        }
    }
}
