package io.spillway.broker.config;

import io.spillway.meta.MetadataStore;
import io.spillway.meta.config.BrokerConfigCatalog;
import io.spillway.meta.config.BrokerConfigKey;
import io.spillway.meta.config.ConfigKey;
import io.spillway.meta.config.ConfigType;
import org.apache.kafka.common.errors.InvalidConfigurationException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Broker-level config values: dynamic per-node override, then dynamic cluster default (both kept
 * in the metadata store), then the static value from the server's properties/flags, then the catalog's
 * default. Where the server knows better what is in force than the setting says (the port a
 * {@code listeners} entry with port 0 bound, the data directory behind {@code log.dirs}, the node id), it
 * reports that with {@link #inForce}, and the static or default value shows it. Thread safe; reads the store's
 * current overrides on every call.
 */
public final class BrokerSettings {
    /** Scope of dynamic overrides that apply to every broker. */
    public static final String DEFAULT_SCOPE = "";

    private final int nodeId;
    private final Map<String, String> staticConfigs;
    private final MetadataStore meta;
    /** What the server put in force for a setting, where that differs from the text it was given. */
    private final Map<String, String> inForce = new ConcurrentHashMap<>();
    /** Settings given at start by flags or environment ({@code --data-dir}, {@code --port}) rather than by name. */
    private final Map<String, String> givenAtStart = new ConcurrentHashMap<>();

    public BrokerSettings(int nodeId, Map<String, String> staticConfigs, MetadataStore meta) {
        this.nodeId = nodeId;
        this.staticConfigs = Map.copyOf(staticConfigs);
        this.meta = meta;
    }

    public int nodeId() {
        return nodeId;
    }

    public String nodeScope() {
        return Integer.toString(nodeId);
    }

    public Map<String, String> staticConfigs() {
        return staticConfigs;
    }

    /**
     * Records the value in force for a static setting (e.g. {@code listeners} with the bound ports), reported in
     * place of the given or default text from now on.
     */
    public void inForce(String name, String value) {
        inForce.put(name, value);
    }

    /**
     * Records a setting given at start other than by its name (a flag or environment variable), so DescribeConfigs
     * reports it as static configuration, as it would the same name in the properties file.
     */
    public void givenAtStart(String name, String value) {
        givenAtStart.put(name, value);
        inForce.put(name, value);
    }

    /** Every place {@code name} is set at broker level, most preferred first. */
    public List<ResolvedConfig.Synonym> brokerValues(String name) {
        List<ResolvedConfig.Synonym> found = new ArrayList<>(2);
        String v = meta.brokerConfigs(nodeScope()).get(name);
        if (v != null) {
            found.add(new ResolvedConfig.Synonym(name, v, ConfigSource.DYNAMIC_BROKER_CONFIG));
        }
        v = meta.brokerConfigs(DEFAULT_SCOPE).get(name);
        if (v != null) {
            found.add(new ResolvedConfig.Synonym(name, v, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG));
        }
        v = staticConfigs.getOrDefault(name, givenAtStart.get(name));
        if (v != null) {
            found.add(new ResolvedConfig.Synonym(name, inForce.getOrDefault(name, v), ConfigSource.STATIC_BROKER_CONFIG));
        }
        return found;
    }

    /** The effective broker value, or Kafka's default (may be null). */
    public String value(String name) {
        List<ResolvedConfig.Synonym> values = brokerValues(name);
        if (!values.isEmpty()) {
            return values.get(0).value();
        }
        String running = inForce.get(name);
        return running != null ? running : BrokerConfigCatalog.find(name).map(k -> k.key().defaultValue()).orElse(null);
    }

    public int intValue(String name) {
        return Integer.parseInt(require(name).trim());
    }

    public long longValue(String name) {
        return Long.parseLong(require(name).trim());
    }

    public boolean booleanValue(String name) {
        return (Boolean) ConfigType.BOOLEAN.parse(name, require(name));
    }

    private String require(String name) {
        String v = value(name);
        if (v == null) {
            throw new InvalidConfigurationException("Broker config " + name + " has no value");
        }
        return v;
    }

    /** The broker config with its value, source and synonyms, for DescribeConfigs. */
    public ResolvedConfig resolve(BrokerConfigKey brokerKey) {
        ConfigKey key = brokerKey.key();
        List<ResolvedConfig.Synonym> synonyms = new ArrayList<>(brokerValues(key.name()));
        String defaultValue = staticConfigs.containsKey(key.name()) || givenAtStart.containsKey(key.name())
                ? key.defaultValue()
                : inForce.getOrDefault(key.name(), key.defaultValue());
        if (defaultValue != null) {
            synonyms.add(new ResolvedConfig.Synonym(key.name(), defaultValue, ConfigSource.DEFAULT_CONFIG));
        }
        if (synonyms.isEmpty()) {
            return new ResolvedConfig(key, null, ConfigSource.DEFAULT_CONFIG, brokerKey.readOnly(), List.of());
        }
        ResolvedConfig.Synonym top = synonyms.get(0);
        return new ResolvedConfig(key, top.value(), top.source(), brokerKey.readOnly(), synonyms);
    }
}
