package io.spillway.broker.handler;

import io.spillway.broker.ConfigsInLog;
import io.spillway.broker.Streams;
import io.spillway.coordinator.group.GroupCoordinator;
import io.spillway.broker.Topics;
import io.spillway.broker.config.BrokerSettings;
import io.spillway.common.StreamTopicName;
import io.spillway.common.TopicNames;
import io.spillway.meta.TopicMetadata;
import io.spillway.meta.config.BrokerConfigCatalog;
import io.spillway.meta.config.KafkaSettingsWithoutEffect;
import io.spillway.meta.config.StaticSettingsCheck;
import io.spillway.meta.config.BrokerConfigKey;
import io.spillway.meta.config.ConfigKey;
import io.spillway.meta.config.ConfigType;
import io.spillway.meta.config.GroupConfigCatalog;
import io.spillway.meta.config.TopicConfigCatalog;
import io.spillway.broker.RequestContext;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * What AlterConfigs and IncrementalAlterConfigs share: the per-request checks Kafka's
 * {@code ConfigAdminManager.preprocess} makes (duplicate resources, duplicate keys, null values),
 * checking the resource a change names, validating the override set a change would leave behind,
 * and storing it. A topic's overrides go through {@link Topics#setConfigs} (persisted, then
 * applied to its partition logs); broker overrides go to the metadata store under
 * {@link BrokerSettings#DEFAULT_SCOPE} (resource name "") or this node's id, after which every
 * topic is re-resolved.
 *
 * <p>Kafka's outcomes, kept on purpose: a topic change is validated before the topic's existence
 * is checked (so bad values on a missing topic answer INVALID_CONFIG); broker value errors answer
 * INVALID_REQUEST, not INVALID_CONFIG (KAFKA-13609); broker config names we do not know are
 * accepted and stored without effect, as Kafka accepts custom broker properties.
 *
 * <p>Thread safe: a read-modify-write of one resource's overrides runs under the {@link Topics}
 * monitor, which is the lock Topics serialises all its changes with.
 */
final class ConfigOverrides {
    private static final Logger log = LoggerFactory.getLogger(ConfigOverrides.class);

    /** Kafka lets these be set per broker only, never as the cluster default (DynamicBrokerConfig). */
    private static final Set<String> PER_BROKER_ONLY =
            Set.of("listeners", "advertised.listeners", "listener.security.protocol.map");
    private static final String REMOTE_STORAGE_ENABLE = "remote.storage.enable";
    private static final String CLEANUP_POLICY = "cleanup.policy";

    private final Topics topics;
    private final BrokerSettings settings;
    private final Streams streams;
    private final GroupCoordinator groups;

    /** Set on a topic, renames it (or moves it to another stream); not stored as a config. */
    static final String RENAME_TO = "spillway.topic.rename.to";
    /** How long a rename waits for the group coordinator to move committed offsets. */
    private static final long GROUP_WAIT_MS = 30_000;

    ConfigOverrides(Topics topics, BrokerSettings settings, Streams streams, GroupCoordinator groups) {
        this.streams = streams;
        this.groups = groups;
        this.topics = topics;
        this.settings = settings;
    }

    /** The error every copy of a resource named more than once in one request gets. */
    static ApiError duplicateResource(byte resourceType, String resourceName) {
        return new ApiError(Errors.INVALID_REQUEST, "Each resource must appear at "
                + "most once in a request, but " + describe(resourceType, resourceName) + " appears more than once");
    }

    /** The items whose (type, name) key occurs more than once, compared by identity. */
    static <T> Set<T> duplicates(Collection<T> items, Function<T, Object> key) {
        Map<Object, Integer> counts = new HashMap<>();
        for (T item : items) {
            counts.merge(key.apply(item), 1, Integer::sum);
        }
        Set<T> found = Collections.newSetFromMap(new IdentityHashMap<>());
        for (T item : items) {
            if (counts.get(key.apply(item)) > 1) {
                found.add(item);
            }
        }
        return found;
    }

    /**
     * Kafka's checks on the entries of one resource before anything else.
     *
     * @param names the config names in request order
     * @param namesWithNullValue names whose value is null where a value is required
     * @throws InvalidRequestException naming the duplicate keys or the keys without a value
     */
    static void checkEntries(List<String> names, List<String> namesWithNullValue) {
        Set<String> seen = new TreeSet<>();
        Set<String> repeated = new TreeSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                repeated.add(name);
            }
        }
        if (!repeated.isEmpty()) {
            throw new InvalidRequestException("Error due to duplicate config keys: " + String.join(", ", repeated)
                    + " (each config may appear once per resource)");
        }
        if (!namesWithNullValue.isEmpty()) {
            throw new InvalidRequestException("Null value not supported for: " + String.join(", ", namesWithNullValue));
        }
    }

    /** The definition of a topic, group or broker config, if this broker knows it. */
    static Optional<ConfigKey> key(ConfigResource.Type type, String name) {
        if (type == ConfigResource.Type.TOPIC) {
            return TopicConfigCatalog.find(name);
        }
        if (type == ConfigResource.Type.GROUP) {
            return GroupConfigCatalog.find(name);
        }
        return BrokerConfigCatalog.find(name).map(BrokerConfigKey::key);
    }

    /**
     * Replaces the overrides of a TOPIC, GROUP or BROKER resource by {@code change} applied to the current
     * ones, after validating the result; with {@code validateOnly} nothing is stored.
     *
     * @param change computes the new override map from the current one; may throw an
     *     {@link ApiException} to reject the change
     * @return {@link ApiError#NONE} or why the change was rejected
     */
    ApiError alter(RequestContext context, byte resourceType, String resourceName,
                   UnaryOperator<Map<String, String>> change, boolean validateOnly) {
        try {
            ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
            if (type == ConfigResource.Type.TOPIC) {
                alterTopic(context, resourceName, change, validateOnly);
            } else if (type == ConfigResource.Type.BROKER) {
                alterBroker(context, resourceName, change, validateOnly);
            } else if (type == ConfigResource.Type.GROUP) {
                alterGroup(context, resourceName, change, validateOnly);
            } else {
                throw unsupportedType(resourceType);
            }
            return ApiError.NONE;
        } catch (ApiException e) {
            log.debug("Rejected config change of {}: {}", describe(resourceType, resourceName), e.getMessage());
            return ApiError.fromThrowable(e);
        }
    }

    static InvalidRequestException unsupportedType(byte resourceType) {
        ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        if (type == ConfigResource.Type.UNKNOWN) {
            return new InvalidRequestException("Unknown resource type " + resourceType
                    + "; config changes are supported for TOPIC (2), BROKER (4) and GROUP (32)");
        }
        return new InvalidRequestException("Config changes of resource type " + type + " (" + resourceType
                + ") are not supported by this broker; use TOPIC (2), BROKER (4) or GROUP (32)");
    }

    private void alterTopic(RequestContext context, String name, UnaryOperator<Map<String, String>> change,
                            boolean validateOnly) {
        if (name == null || name.isEmpty()) {
            throw new InvalidRequestException("Default topic resources are not allowed: name the topic whose "
                    + "configs to change (broker-wide topic defaults are BROKER configs such as log.retention.ms)");
        }
        if (Streams.isStreamName(name)) {
            alterStream(context, name, change, validateOnly);
            return;
        }
        String renameTo;
        synchronized (topics) {
            TopicMetadata topic = topics.byName(name);
            if (topic == null) {
                Topics.validateName(name);
            }
            Map<String, String> current = topic == null ? Map.of() : topic.configs();
            Map<String, String> updated = new TreeMap<>(change.apply(current));
            renameTo = updated.remove(RENAME_TO);
            validateTopic(name, updated);
            if (topic == null) {
                throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist");
            }
            if (TopicNames.isInternal(name) && !"compact".equals(updated.getOrDefault(CLEANUP_POLICY, "").trim())) {
                // Coordinators rebuild their state from these topics by key at every start: deleting by age or size
                // would lose groups, transactions or share state at the next restart.
                log.warn("Refused to change cleanup.policy of internal topic '{}' to '{}' asked by {}: it must stay "
                        + "compact", name, updated.getOrDefault(CLEANUP_POLICY, "(the default)"), context.describeClient());
                throw new InvalidConfigurationException("Topic '" + name + "' is internal: its cleanup.policy must "
                        + "stay compact, because the broker rebuilds its coordinators' state from it by key");
            }
            if (renameTo != null) {
                checkRename(context, name, renameTo);
            }
            if (!validateOnly && !updated.equals(current)) {
                topics.setConfigs(topic, updated);
                logChange(context, "topic '" + name + "'", current, updated, ConfigsInLog.TOPIC);
            }
        }
        if (renameTo != null && !validateOnly && !renameTo.equals(name)) {
            rename(context, name, renameTo);
        }
    }

    private void checkRename(RequestContext context, String name, String renameTo) {
        if (TopicNames.isInternal(name) || TopicNames.isInternal(renameTo)) {
            throw new InvalidRequestException("Topic '" + name + "' cannot be renamed to '" + renameTo
                    + "': internal topics keep their names");
        }
        if (Streams.isStreamName(renameTo)) {
            throw new InvalidConfigurationException("Topic '" + name + "' cannot be renamed to '" + renameTo
                    + "': that names a stream; name the topic in it, e.g. " + renameTo + ":topic");
        }
        Topics.validateName(renameTo);
        // A rename takes the topic away from its name and gives it another (perhaps in another stream): besides
        // ALTER_CONFIGS on the topic, the principal must be allowed to DELETE it and to CREATE the new name.
        if (!renameTo.equals(name) && !context.may(AclOperation.DELETE, ResourceType.TOPIC, name)) {
            throw new TopicAuthorizationException(context.principal() + " may not rename topic '" + name
                    + "': renaming needs DELETE on it");
        }
        if (!renameTo.equals(name) && !context.mayOnCluster(AclOperation.CREATE)
                && !context.may(AclOperation.CREATE, ResourceType.TOPIC, renameTo)) {
            throw new TopicAuthorizationException(context.principal() + " may not rename topic '" + name + "' to '"
                    + renameTo + "': renaming needs CREATE on the new name");
        }
        if (!renameTo.equals(name) && topics.byName(renameTo) != null) {
            throw new TopicExistsException("Topic '" + name + "' cannot be renamed to '" + renameTo
                    + "': that topic already exists");
        }
    }

    /**
     * Renames a topic (docs/streams.md). The groups' committed offsets follow: they are copied to the new name
     * first, and removed from the old one once the topic has its new name, so a crash in between leaves at worst
     * offsets under a name that no longer exists, never a renamed topic without its offsets.
     */
    private void rename(RequestContext context, String name, String renameTo) {
        // The offsets are copied into the new stream's offsets topic, which only an existing stream can have.
        topics.ensureStream(StreamTopicName.parse(renameTo).stream());
        awaitGroups(groups.copyTopicOffsets(name, renameTo), "copy the committed offsets of topic '" + name + "' to '"
                + renameTo + "'; nothing was renamed");
        TopicMetadata renamed;
        synchronized (topics) {
            TopicMetadata topic = topics.byName(name);
            if (topic == null) {
                throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist");
            }
            renamed = topics.rename(topic, renameTo);
        }
        awaitGroups(groups.forgetTopics(Set.of(name)), "remove the committed offsets under the old name '" + name
                + "'; the topic is renamed and its offsets are under the new name, the old ones expire");
        log.info("Renamed topic '{}' to '{}' (new topic id {}) for {}; its data, configs and committed offsets "
                + "follow it", name, renameTo, renamed.id(), context.describeClient());
    }

    /** A TOPIC resource named by a stream path: the stream's settings (docs/streams.md). */
    private void alterStream(RequestContext context, String path, UnaryOperator<Map<String, String>> change,
                             boolean validateOnly) {
        synchronized (topics) {
            Map<String, String> current = streams.get(path).configs();
            Map<String, String> updated = new TreeMap<>(change.apply(current));
            Streams.validateSettings(path, updated);
            if (!validateOnly && !updated.equals(current)) {
                streams.setSettings(path, updated);
                logChange(context, "stream " + path, current, updated, ConfigsInLog.TOPIC);
            }
        }
    }

    /**
     * Whether the request's principal may describe ({@code alter} false) or alter the configs of a resource, as
     * Kafka checks it: DESCRIBE_CONFIGS / ALTER_CONFIGS on the topic (a stream is the TOPIC resource of its path),
     * the group, or the cluster for broker and other resources. Null when allowed, else the error to answer.
     */
    static ApiError refusal(RequestContext context, byte resourceType, String name, boolean alter) {
        AclOperation operation = alter ? AclOperation.ALTER_CONFIGS : AclOperation.DESCRIBE_CONFIGS;
        ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        boolean allowed;
        Errors error;
        if (type == ConfigResource.Type.TOPIC) {
            allowed = context.may(operation, ResourceType.TOPIC, name == null ? "" : name);
            error = Errors.TOPIC_AUTHORIZATION_FAILED;
        } else if (type == ConfigResource.Type.GROUP) {
            allowed = context.may(operation, ResourceType.GROUP, name == null ? "" : name);
            error = Errors.GROUP_AUTHORIZATION_FAILED;
        } else {
            allowed = context.mayOnCluster(operation);
            error = Errors.CLUSTER_AUTHORIZATION_FAILED;
        }
        return allowed ? null : new ApiError(error, context.principal() + " may not " + operation + " of " + type
                + " '" + name + "'");
    }

    /** Waits a bounded time for the group coordinator; a failure becomes an error the client can act on. */
    private static void awaitGroups(CompletableFuture<?> operation, String what) {
        try {
            operation.get(GROUP_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorNotAvailableException("Interrupted; could not " + what);
        } catch (ExecutionException | TimeoutException e) {
            throw new CoordinatorNotAvailableException("The group coordinator could not " + what + " ("
                    + (e.getCause() != null ? e.getCause().getMessage() : "no answer in " + GROUP_WAIT_MS + " ms") + ")");
        }
    }

    private static void validateTopic(String name, Map<String, String> overrides) {
        try {
            TopicConfigCatalog.validate(overrides);
        } catch (InvalidConfigurationException e) {
            throw new InvalidConfigurationException(e.getMessage() + " (topic '" + name + "')");
        }
        refuseTieredStorage(name, overrides);
    }

    /** Topic configs that ask for tiered storage are refused (INVALID_CONFIG), at creation as at a change. */
    static void refuseTieredStorage(String name, Map<String, String> configs) {
        String remote = configs.get(REMOTE_STORAGE_ENABLE);
        if (remote != null && Boolean.TRUE.equals(ConfigType.BOOLEAN.parse(REMOTE_STORAGE_ENABLE, remote))) {
            throw new InvalidConfigurationException("Tiered storage is not available on this broker, so topic '"
                    + name + "' cannot be configured with " + REMOTE_STORAGE_ENABLE + "=true");
        }
    }

    /**
     * A group's overrides (Kafka's group configs). The group need not exist; values are checked against the
     * broker's current bounds (e.g. group.consumer.min/max.session.timeout.ms), and all errors are INVALID_CONFIG.
     */
    private void alterGroup(RequestContext context, String groupId, UnaryOperator<Map<String, String>> change,
                            boolean validateOnly) {
        if (groupId == null || groupId.isEmpty()) {
            throw new InvalidRequestException("Default group resources are not allowed.");
        }
        synchronized (topics) {
            Map<String, String> current = topics.meta().groupConfigs(groupId);
            Map<String, String> updated = new TreeMap<>(change.apply(current));
            try {
                GroupConfigCatalog.validate(updated, settings::value);
            } catch (InvalidConfigurationException e) {
                throw new InvalidConfigurationException(e.getMessage() + " (group '" + groupId + "')");
            }
            if (!validateOnly && !updated.equals(current)) {
                topics.meta().setGroupConfigs(groupId, updated);
                logChange(context, "group '" + groupId + "'", current, updated, ConfigsInLog.GROUP);
            }
        }
    }

    private void alterBroker(RequestContext context, String name, UnaryOperator<Map<String, String>> change,
                             boolean validateOnly) {
        String scope = brokerScope(name);
        synchronized (topics) {
            Map<String, String> current = topics.meta().brokerConfigs(scope);
            Map<String, String> updated = new TreeMap<>(change.apply(current));
            validateBroker(scope, updated);
            List<String> unknown = updated.keySet().stream().filter(n -> BrokerConfigCatalog.find(n).isEmpty()
                    && !Objects.equals(updated.get(n), current.get(n))).toList();
            for (String n : unknown) {
                if (BrokerConfigCatalog.isSpillwaySetting(n)) {
                    throw new InvalidRequestException(StaticSettingsCheck.unknownSpillwaySetting(n)
                            + ": Spillway's own settings are listed in docs/configuration.md");
                }
                if (!validateOnly) {
                    // Kafka stores custom broker configs too (plugins read them); say that Spillway does not use it.
                    String nearest = StaticSettingsCheck.nearest(n);
                    log.warn("Broker config {} set for client {} is stored but Spillway does not use it{}", n,
                            context.describeClient(), KafkaSettingsWithoutEffect.reason(n).map(r -> " (" + r + ")")
                                    .orElse(nearest == null ? "" : " (did you mean " + nearest + "?)"));
                }
            }
            if (!validateOnly && !updated.equals(current)) {
                topics.meta().setBrokerConfigs(scope, updated);
                topics.brokerDefaultsChanged();
                logChange(context, scopeName(scope), current, updated, ConfigsInLog.BROKER);
            }
        }
    }

    /** "" (cluster default) or this node's id, as the scope its overrides are stored under. */
    private String brokerScope(String name) {
        if (name == null || name.isEmpty()) {
            return BrokerSettings.DEFAULT_SCOPE;
        }
        int id;
        try {
            id = Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Node id must be an integer, but it is: " + name);
        }
        if (id != settings.nodeId()) {
            throw new InvalidRequestException("Unexpected broker id, expected " + settings.nodeId()
                    + " (this broker) or \"\" (the cluster default), but received " + name);
        }
        return settings.nodeScope();
    }

    /** Kafka's dynamic broker config checks, in its order; all fail as INVALID_REQUEST. */
    private static void validateBroker(String scope, Map<String, String> overrides) {
        List<String> readOnly = new ArrayList<>();
        for (String name : overrides.keySet()) {
            BrokerConfigCatalog.find(name).filter(BrokerConfigKey::readOnly).ifPresent(k -> readOnly.add(name));
        }
        if (!readOnly.isEmpty()) {
            throw new InvalidRequestException("Cannot update these configs dynamically: " + String.join(", ", readOnly)
                    + " (they are read-only; set them in the server configuration and restart)");
        }
        overrides.forEach((name, value) -> BrokerConfigCatalog.find(name).ifPresent(k -> {
            try {
                k.key().validate(value);
            } catch (InvalidConfigurationException e) {
                throw new InvalidRequestException(e.getMessage());
            }
        }));
        if (BrokerSettings.DEFAULT_SCOPE.equals(scope)) {
            List<String> perBroker = new ArrayList<>();
            for (String name : overrides.keySet()) {
                if (PER_BROKER_ONLY.contains(name)) {
                    perBroker.add(name);
                }
            }
            if (!perBroker.isEmpty()) {
                throw new InvalidRequestException("Cannot update these configs at default cluster level, broker id "
                        + "must be specified: " + String.join(", ", perBroker));
            }
        }
        // Kafka rebinds its listeners at runtime; Spillway binds them once from its server settings, so a stored
        // change would silently do nothing.
        List<String> listenerSettings = overrides.keySet().stream().filter(PER_BROKER_ONLY::contains).sorted().toList();
        if (!listenerSettings.isEmpty()) {
            throw new InvalidRequestException("Spillway binds its listeners once at start, from the server settings: "
                    + "change " + String.join(", ", listenerSettings) + " there (--set or the properties file) and restart");
        }
    }

    /**
     * One INFO line per changed resource: which one, the keys set (with their values, but never a sensitive one's)
     * and deleted, and who asked. Only called for a change that was stored, so validate_only never logs.
     */
    private static void logChange(RequestContext context, String resource, Map<String, String> before,
                                  Map<String, String> after, Predicate<String> sensitive) {
        String change = ConfigsInLog.change(before, after, sensitive);
        if (change != null) {
            log.info("Changed configs of {} for {}: {}", resource, context.describeClient(), change);
        }
    }

    private static String scopeName(String scope) {
        return BrokerSettings.DEFAULT_SCOPE.equals(scope) ? "the cluster-wide broker defaults" : "broker " + scope;
    }

    static String describe(byte resourceType, String resourceName) {
        return ConfigResource.Type.forId(resourceType) + " '" + resourceName + "'";
    }
}
