package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Streams;
import io.spillway.broker.Topics;
import io.spillway.broker.config.BrokerSettings;
import io.spillway.broker.config.ConfigSource;
import io.spillway.broker.config.ResolvedConfig.Synonym;
import io.spillway.meta.StreamMetadata;
import io.spillway.meta.TopicMetadata;
import io.spillway.meta.config.BrokerConfigCatalog;
import io.spillway.meta.config.BrokerConfigKey;
import io.spillway.meta.config.ConfigKey;
import io.spillway.meta.config.ConfigSynonyms;
import io.spillway.meta.config.ConfigType;
import io.spillway.meta.config.GroupConfigCatalog;
import io.spillway.meta.config.TopicConfigCatalog;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.requests.ApiError;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * DescribeConfigs for TOPIC, BROKER and BROKER_LOGGER resources, answered as Kafka's
 * {@code ConfigHelper} answers them:
 * <ul>
 * <li>TOPIC: every topic config with its effective value; read_only is false.</li>
 * <li>BROKER "" (cluster default): only the configs set in the dynamic cluster-default scope,
 *     with synonyms of that source only. BROKER with this node's id: every broker config we know
 *     plus any other name set statically or dynamically (those are shown as Kafka shows unknown
 *     names: sensitive, value hidden, type UNKNOWN, read-only). Any other id: INVALID_REQUEST.</li>
 * <li>GROUP: every non-internal group config (internal ones only when set) with its value: the group's
 *     override (source GROUP_CONFIG, which the Admin client calls DYNAMIC_GROUP_CONFIG) or else the broker
 *     config it defaults to, whose broker-level values are its synonyms (configs without one list Kafka's
 *     default as a DEFAULT_CONFIG synonym). The group need not exist; an empty name is INVALID_REQUEST.</li>
 * <li>BROKER_LOGGER with this node's id: an empty list, as Kafka answers when it has no log4j to
 *     inspect; an empty or foreign id is INVALID_REQUEST.</li>
 * <li>configuration_keys null or empty lists all configs; unknown names are left out.</li>
 * </ul>
 * Source and synonyms follow Kafka's ordering quirk: the broker values of a config's synonym
 * group are listed source by source, and everything before the first entry named like the
 * described config (for a topic config: its primary broker synonym) is dropped; see
 * {@link ConfigSynonyms}. Stateless apart from what it reads; thread safe.
 */
public final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequestData, DescribeConfigsResponseData> {
    /** Broker-level sources in Kafka's order of preference. */
    private static final List<ConfigSource> BROKER_SOURCES = List.of(ConfigSource.DYNAMIC_BROKER_CONFIG,
            ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, ConfigSource.STATIC_BROKER_CONFIG, ConfigSource.DEFAULT_CONFIG);
    /** DescribeConfigs' config_type for names without a definition. */
    private static final byte UNKNOWN_TYPE = 0;
    /**
     * The broker configs reported together when one of them is described (Kafka's
     * {@code DynamicBrokerConfig.brokerConfigSynonyms}): each multi-name group of
     * {@link ConfigSynonyms}, except that log.flush.scheduler.interval.ms, being only the
     * fallback of log.flush.interval.ms, stands alone.
     */
    private static final Map<String, List<String>> BROKER_GROUPS = brokerGroups();

    private final Topics topics;
    private final BrokerSettings settings;
    private final Streams streams;

    public DescribeConfigsHandler(Topics topics, BrokerSettings settings, Streams streams) {
        this.streams = streams;
        this.topics = topics;
        this.settings = settings;
    }

    private record Options(Predicate<String> wanted, boolean synonyms, boolean documentation) {
    }

    @Override
    public CompletableFuture<DescribeConfigsResponseData> handle(RequestContext context, DescribeConfigsRequestData request) {
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (DescribeConfigsResource resource : request.resources()) {
            List<String> keys = resource.configurationKeys();
            Set<String> keySet = keys == null ? Set.of() : new HashSet<>(keys);
            Options options = new Options(keySet.isEmpty() ? name -> true : keySet::contains,
                    request.includeSynonyms(), request.includeDocumentation());
            DescribeConfigsResult result = new DescribeConfigsResult()
                    .setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            ApiError refused = ConfigOverrides.refusal(context, resource.resourceType(), resource.resourceName(), false);
            if (refused != null) {
                response.results().add(result.setErrorCode(refused.error().code()).setErrorMessage(refused.message())
                        .setConfigs(new ArrayList<>()));
                continue;
            }
            try {
                result.setConfigs(describe(resource, options));
            } catch (ApiException e) {
                ApiError error = ApiError.fromThrowable(e);
                result.setErrorCode(error.error().code()).setErrorMessage(error.message()).setConfigs(new ArrayList<>());
            }
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private List<DescribeConfigsResourceResult> describe(DescribeConfigsResource resource, Options options) {
        String name = resource.resourceName() == null ? "" : resource.resourceName();
        ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
        switch (type) {
            case TOPIC:
                return describeTopic(name, options);
            case BROKER:
                if (name.isEmpty()) {
                    return describeClusterDefault(options);
                }
                if (brokerId(name) != settings.nodeId()) {
                    throw new InvalidRequestException("Unexpected broker id, expected " + settings.nodeId()
                            + " or empty string, but received " + name);
                }
                return describeBroker(options);
            case GROUP:
                if (name.isEmpty()) {
                    throw new InvalidRequestException("Group name must not be empty");
                }
                return describeGroup(name, options);
            case BROKER_LOGGER:
                if (name.isEmpty()) {
                    throw new InvalidRequestException("Broker id must not be empty");
                }
                if (brokerId(name) != settings.nodeId()) {
                    throw new InvalidRequestException("Unexpected broker id, expected " + settings.nodeId()
                            + " but received " + name);
                }
                return new ArrayList<>();
            case UNKNOWN:
                throw new InvalidRequestException("Unknown resource type " + resource.resourceType()
                        + "; supported are TOPIC (2), BROKER (4), BROKER_LOGGER (8) and GROUP (32)");
            default:
                throw new InvalidRequestException("Resource type " + type + " (" + resource.resourceType()
                        + ") is not supported by this broker; supported are TOPIC (2), BROKER (4), BROKER_LOGGER (8) and GROUP (32)");
        }
    }

    private static int brokerId(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Broker id must be an integer, but it is: " + name);
        }
    }

    private List<DescribeConfigsResourceResult> describeTopic(String name, Options options) {
        if (Streams.isStreamName(name)) {
            return describeStream(name, options);
        }
        TopicMetadata topic = topics.byName(name);
        if (topic == null) {
            Topics.validateName(name);
            throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist");
        }
        return describeTopicConfigs(topic.configs(), topics.streamDefaults(topic), options);
    }

    /**
     * A stream's settings (docs/streams.md): the topic configs it sets for its topics are reported as this
     * resource's own (DYNAMIC_TOPIC_CONFIG), the others with the broker's values; then its own settings.
     */
    private List<DescribeConfigsResourceResult> describeStream(String path, Options options) {
        Map<String, String> settingsOfStream = streams.get(path).configs();
        List<DescribeConfigsResourceResult> entries = describeTopicConfigs(settingsOfStream, Map.of(), options);
        for (String name : new TreeSet<>(Streams.OWN_SETTINGS)) {
            if (!options.wanted().test(name)) {
                continue;
            }
            String value = settingsOfStream.get(name);
            List<Synonym> chain = new ArrayList<>();
            if (value != null) {
                chain.add(new Synonym(name, value, ConfigSource.TOPIC_CONFIG));
            }
            String brokerValue = null;
            if (!Streams.STREAM_ONLY_SETTINGS.contains(name)) {
                brokerValue = settings.value(name);
                List<Synonym> atBroker = settings.brokerValues(name);
                chain.addAll(atBroker);
                if (atBroker.isEmpty() && brokerValue != null) {
                    chain.add(new Synonym(name, brokerValue, ConfigSource.DEFAULT_CONFIG));
                }
            }
            byte type = name.equals(StreamMetadata.AUTO_CREATE_TOPICS) ? ConfigType.BOOLEAN.describeConfigsId()
                    : Streams.LONG_SETTINGS.contains(name) ? ConfigType.LONG.describeConfigsId()
                    : ConfigType.INT.describeConfigsId();
            entries.add(entry(name, value != null ? value : brokerValue, chain, false, false, type,
                    "Stream setting (docs/streams.md)", options));
        }
        return entries;
    }

    private List<DescribeConfigsResourceResult> describeTopicConfigs(Map<String, String> overrides,
                                                                     Map<String, String> streamDefaults, Options options) {
        BrokerValues brokerValues = new BrokerValues();
        List<DescribeConfigsResourceResult> entries = new ArrayList<>();
        for (ConfigKey key : TopicConfigCatalog.all()) {
            if (!options.wanted().test(key.name())) {
                continue;
            }
            String value = normalize(key.type(), topics.resolver().resolve(overrides, streamDefaults, key).value());
            List<Synonym> chain = new ArrayList<>();
            if (overrides.containsKey(key.name())) {
                chain.add(new Synonym(key.name(), key.sensitive() ? null : value, ConfigSource.TOPIC_CONFIG));
            }
            if (streamDefaults.containsKey(key.name())) {
                chain.add(new Synonym(key.name(), key.sensitive() ? null
                        : normalize(key.type(), streamDefaults.get(key.name())), ConfigSource.STREAM_CONFIG));
            }
            List<String> group = ConfigSynonyms.brokerSynonyms(key);
            if (!group.isEmpty()) {
                chain.addAll(brokerValues.chain(group.get(0), group, key.sensitive()));
            }
            entries.add(entry(key.name(), key.sensitive() ? null : value, chain, false, key.sensitive(),
                    key.type().describeConfigsId(), key.documentation(), options));
        }
        return entries;
    }

    private List<DescribeConfigsResourceResult> describeGroup(String groupId, Options options) {
        Map<String, String> overrides = topics.meta().groupConfigs(groupId);
        BrokerValues brokerValues = new BrokerValues();
        List<DescribeConfigsResourceResult> entries = new ArrayList<>();
        for (ConfigKey key : GroupConfigCatalog.all()) {
            String name = key.name();
            if (!options.wanted().test(name) || (GroupConfigCatalog.isInternal(name) && !overrides.containsKey(name))) {
                continue;
            }
            List<Synonym> chain = new ArrayList<>();
            String value;
            if (overrides.containsKey(name)) {
                value = normalize(key.type(), overrides.get(name));
                chain.add(new Synonym(name, value, ConfigSource.GROUP_CONFIG));
            } else {
                // The broker config supplies the default when it is of the same type (group.streams.assignors, a
                // list of which streams.assignor.name picks one, does not: that stays unset, as in Kafka).
                boolean fromBroker = key.brokerSynonym() != null && BrokerConfigCatalog.find(key.brokerSynonym())
                        .map(b -> b.key().type() == key.type()).orElse(false);
                value = fromBroker ? normalize(key.type(), settings.value(key.brokerSynonym())) : key.defaultValue();
            }
            if (key.brokerSynonym() != null) {
                chain.addAll(brokerValues.chain(key.brokerSynonym(), List.of(key.brokerSynonym()), false));
            } else if (key.defaultValue() != null) {
                chain.add(new Synonym(name, key.defaultValue(), ConfigSource.DEFAULT_CONFIG));
            }
            entries.add(entry(name, value, chain, false, false, key.type().describeConfigsId(), key.documentation(),
                    options));
        }
        return entries;
    }

    private List<DescribeConfigsResourceResult> describeBroker(Options options) {
        Set<String> names = new TreeSet<>();
        BrokerConfigCatalog.all().forEach(k -> names.add(k.name()));
        names.addAll(settings.staticConfigs().keySet());
        names.addAll(topics.meta().brokerConfigs(BrokerSettings.DEFAULT_SCOPE).keySet());
        names.addAll(topics.meta().brokerConfigs(settings.nodeScope()).keySet());
        BrokerValues brokerValues = new BrokerValues();
        List<DescribeConfigsResourceResult> entries = new ArrayList<>();
        for (String name : names) {
            if (options.wanted().test(name)) {
                Optional<BrokerConfigKey> key = BrokerConfigCatalog.find(name);
                String value = key.map(k -> normalize(k.key().type(), settings.value(name))).orElse(null);
                entries.add(brokerEntry(name, key, value, brokerValues.chain(name, group(name), sensitive(key)), options));
            }
        }
        return entries;
    }

    private List<DescribeConfigsResourceResult> describeClusterDefault(Options options) {
        Map<String, String> defaults = new TreeMap<>(topics.meta().brokerConfigs(BrokerSettings.DEFAULT_SCOPE));
        BrokerValues brokerValues = new BrokerValues();
        List<DescribeConfigsResourceResult> entries = new ArrayList<>();
        defaults.forEach((name, value) -> {
            if (options.wanted().test(name)) {
                Optional<BrokerConfigKey> key = BrokerConfigCatalog.find(name);
                List<Synonym> chain = new ArrayList<>(brokerValues.chain(name, group(name), sensitive(key)));
                chain.removeIf(s -> s.source() != ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
                entries.add(brokerEntry(name, key, value, chain, options));
            }
        });
        return entries;
    }

    private static DescribeConfigsResourceResult brokerEntry(String name, Optional<BrokerConfigKey> key, String value,
                                                             List<Synonym> chain, Options options) {
        boolean sensitive = sensitive(key);
        return entry(name, sensitive ? null : value, chain,
                key.map(BrokerConfigKey::readOnly).orElse(true), sensitive,
                key.map(k -> k.key().type().describeConfigsId()).orElse(UNKNOWN_TYPE),
                key.map(k -> k.key().documentation()).orElse(null), options);
    }

    /** Kafka treats names it has no definition for as sensitive. */
    private static boolean sensitive(Optional<BrokerConfigKey> key) {
        return key.map(k -> k.key().sensitive()).orElse(true);
    }

    private static DescribeConfigsResourceResult entry(String name, String value, List<Synonym> chain, boolean readOnly,
                                                       boolean sensitive, byte type, String documentation,
                                                       Options options) {
        List<DescribeConfigsSynonym> synonyms = new ArrayList<>();
        if (options.synonyms()) {
            for (Synonym s : chain) {
                synonyms.add(new DescribeConfigsSynonym().setName(s.name()).setValue(s.value()).setSource(s.source().id));
            }
        }
        return new DescribeConfigsResourceResult()
                .setName(name)
                .setValue(value)
                .setReadOnly(readOnly)
                .setConfigSource(chain.isEmpty() ? ConfigSource.DEFAULT_CONFIG.id : chain.get(0).source().id)
                .setIsSensitive(sensitive)
                .setSynonyms(synonyms)
                .setConfigType(type)
                .setDocumentation(options.documentation() ? documentation : null);
    }

    /** A value as Kafka prints the parsed config: trimmed, lists joined by ",", numbers canonical. */
    private static String normalize(ConfigType type, String value) {
        if (value == null) {
            return null;
        }
        try {
            Object parsed = type.parse("", value);
            if (parsed instanceof List<?> list) {
                List<String> parts = new ArrayList<>();
                list.forEach(element -> parts.add(String.valueOf(element)));
                return String.join(",", parts);
            }
            return parsed.toString();
        } catch (InvalidConfigurationException e) {
            return value;
        }
    }

    private static List<String> group(String brokerName) {
        return BROKER_GROUPS.getOrDefault(brokerName, List.of(brokerName));
    }

    private static Map<String, List<String>> brokerGroups() {
        Map<String, List<String>> groups = new HashMap<>();
        for (ConfigKey topicKey : TopicConfigCatalog.all()) {
            List<String> group = ConfigSynonyms.brokerSynonyms(topicKey);
            if (group.size() > 1) {
                for (String name : group) {
                    groups.put(name, group);
                }
            }
        }
        groups.remove("log.flush.scheduler.interval.ms");
        return Collections.unmodifiableMap(groups);
    }

    /** Broker-level values of one resource's description, each read from the settings once. */
    private final class BrokerValues {
        private final Map<String, List<Synonym>> byName = new HashMap<>();

        /**
         * Every broker-level value of {@code group}, source by source in Kafka's preference order
         * and by group order within a source, without the entries before the first one named
         * {@code describedName}.
         */
        List<Synonym> chain(String describedName, List<String> group, boolean sensitive) {
            List<Synonym> all = new ArrayList<>();
            for (ConfigSource source : BROKER_SOURCES) {
                for (String name : group) {
                    String value = valueAt(name, source);
                    if (value != null) {
                        all.add(new Synonym(name, sensitive ? null : value, source));
                    }
                }
            }
            int first = 0;
            while (first < all.size() && !all.get(first).name().equals(describedName)) {
                first++;
            }
            return all.subList(first, all.size());
        }

        private String valueAt(String name, ConfigSource source) {
            if (source == ConfigSource.DEFAULT_CONFIG) {
                return BrokerConfigCatalog.find(name).map(k -> k.key().defaultValue()).orElse(null);
            }
            for (Synonym s : byName.computeIfAbsent(name, settings::brokerValues)) {
                if (s.source() == source) {
                    return s.value();
                }
            }
            return null;
        }
    }
}
