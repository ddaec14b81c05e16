package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.BrokerIdentity;
import io.spillway.broker.RequestContext;
import io.spillway.broker.quota.Quotas;
import io.spillway.broker.Streams;
import io.spillway.common.StreamTopicName;
import io.spillway.broker.Topics;
import io.spillway.broker.config.BrokerSettings;
import io.spillway.broker.config.ResolvedConfig;
import io.spillway.meta.MetadataStore;
import io.spillway.meta.StreamMetadata;
import io.spillway.meta.TopicMetadata;
import io.spillway.meta.config.ConfigKey;
import io.spillway.meta.config.TopicConfigCatalog;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.ResourceType;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import java.util.concurrent.CompletableFuture;

/**
 * CreateTopics: validates each topic as Kafka does (name, partitions, replication factor, manual
 * assignments, configs), honours validate_only, then creates all valid ones with one durable write.
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequestData, CreateTopicsResponseData> {
    private static final Logger log = LoggerFactory.getLogger(CreateTopicsHandler.class);

    private final Topics topics;
    private final BrokerSettings settings;
    private final BrokerIdentity identity;
    private final Streams streams;
    private final Quotas quotas;

    public CreateTopicsHandler(Topics topics, BrokerSettings settings, BrokerIdentity identity, Streams streams,
                               Quotas quotas) {
        this.quotas = quotas;
        this.topics = topics;
        this.settings = settings;
        this.identity = identity;
        this.streams = streams;
    }

    @Override
    public CompletableFuture<CreateTopicsResponseData> handle(RequestContext context, CreateTopicsRequestData request) {
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (CreateTopicsRequestData.CreatableTopic t : request.topics()) {
            if (!seen.add(t.name())) {
                duplicates.add(t.name());
            }
        }
        Map<String, CreateTopicsResponseData.CreatableTopicResult> results = new LinkedHashMap<>();
        List<MetadataStore.NewTopic> toCreate = new ArrayList<>();
        for (CreateTopicsRequestData.CreatableTopic t : request.topics()) {
            CreateTopicsResponseData.CreatableTopicResult result = new CreateTopicsResponseData.CreatableTopicResult()
                    .setName(t.name());
            results.putIfAbsent(t.name(), result);
            if (duplicates.contains(t.name())) {
                fail(result, new InvalidRequestException("Create topics request from " + context.describeClient()
                        + " contains the topic '" + t.name() + "' more than once"));
                continue;
            }
            // As Kafka: CREATE on the cluster, or on the topic (a stream is the TOPIC resource of its path).
            if (!context.mayOnCluster(AclOperation.CREATE)
                    && !context.may(AclOperation.CREATE, ResourceType.TOPIC, t.name())) {
                result.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setErrorMessage(context.principal() + " may not CREATE topic " + t.name());
                continue;
            }
            if (Streams.isStreamName(t.name())) {
                createStream(context, t, request.validateOnly(), result);
                continue;
            }
            try {
                MetadataStore.NewTopic newTopic = validate(t);
                if (request.validateOnly()) {
                    describe(result, newTopic.partitions(), newTopic.configs(), null);
                } else if (quotas.mutationRefused(context)) {
                    result.setErrorCode(Errors.THROTTLING_QUOTA_EXCEEDED.code())
                            .setErrorMessage(Quotas.mutationRefusal(context, t.name()));
                } else {
                    quotas.recordMutations(context, newTopic.partitions());
                    toCreate.add(newTopic);
                }
            } catch (ApiException e) {
                fail(result, e);
            }
        }
        if (!toCreate.isEmpty()) {
            create(context, toCreate, results);
        }
        results.values().forEach(response.topics()::add);
        return CompletableFuture.completedFuture(response);
    }

    /** A name that is a stream path creates the stream; partitions and configs become its defaults. */
    private void createStream(RequestContext context, CreateTopicsRequestData.CreatableTopic t, boolean validateOnly,
                              CreateTopicsResponseData.CreatableTopicResult result) {
        try {
            Streams.validatePath(t.name());
            if (topics.meta().stream(t.name()) != null) {
                throw new TopicExistsException("Stream '" + t.name() + "' already exists.");
            }
            Map<String, String> configs = new HashMap<>();
            for (CreateTopicsRequestData.CreatableTopicConfig c : t.configs()) {
                if (c.value() != null) {
                    configs.put(c.name(), c.value());
                }
            }
            if (t.numPartitions() != -1) {
                configs.put(StreamMetadata.PARTITIONS, Integer.toString(t.numPartitions()));
            }
            if (t.replicationFactor() > 1) {
                throw new InvalidReplicationFactorException("Unable to replicate the partitions of stream " + t.name()
                        + " " + t.replicationFactor() + " time(s): only 1 broker is registered");
            }
            Streams.validateSettings(t.name(), configs);
            if (!validateOnly) {
                streams.create(t.name(), configs, context);
            }
            result.setNumPartitions(t.numPartitions()).setReplicationFactor((short) 1).setConfigs(List.of());
        } catch (ApiException e) {
            fail(result, e);
        }
    }

    private MetadataStore.NewTopic validate(CreateTopicsRequestData.CreatableTopic t) {
        Topics.validateName(t.name());
        if (topics.byName(t.name()) != null) {
            throw new TopicExistsException("Topic '" + t.name() + "' already exists.");
        }
        Topics.refuseStreamInternal(t.name());
        int partitions = t.numPartitions();
        if (!t.assignments().isEmpty()) {
            if (t.numPartitions() != -1 || t.replicationFactor() != -1) {
                throw new InvalidRequestException("Both numPartitions or replicationFactor and replicasAssignments "
                        + "were set. Both cannot be used at the same time.");
            }
            partitions = t.assignments().size();
            for (CreateTopicsRequestData.CreatableReplicaAssignment a : t.assignments()) {
                if (a.partitionIndex() < 0 || a.partitionIndex() >= partitions) {
                    throw new InvalidReplicaAssignmentException("Partitions must be numbered 0 to " + (partitions - 1)
                            + " in the assignment of topic " + t.name());
                }
                if (a.brokerIds().size() != 1 || a.brokerIds().get(0) != identity.nodeId()) {
                    throw new InvalidReplicaAssignmentException("The assignment of partition " + a.partitionIndex()
                            + " of topic " + t.name() + " names brokers " + a.brokerIds() + "; only broker "
                            + identity.nodeId() + " exists");
                }
            }
        } else {
            if (partitions == -1) {
                partitions = streams.defaultPartitions(t.name());
            }
            if (partitions <= 0) {
                throw new InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
            }
            short factor = t.replicationFactor() == -1 ? (short) settings.intValue("default.replication.factor")
                    : t.replicationFactor();
            if (factor <= 0) {
                throw new InvalidReplicationFactorException("Replication factor must be larger than 0, or -1 to use the "
                        + "default value.");
            }
            if (factor > 1) {
                throw new InvalidReplicationFactorException("Unable to replicate the partition " + factor
                        + " time(s): The target replication factor of " + factor
                        + " cannot be reached because only 1 broker(s) are registered.");
            }
        }
        if (partitions > TopicMetadata.MAX_PARTITIONS) {
            throw new InvalidPartitionsException("Topic " + t.name() + " asks for " + partitions
                    + " partitions; at most " + TopicMetadata.MAX_PARTITIONS + " are supported");
        }
        Map<String, String> configs = new HashMap<>();
        for (CreateTopicsRequestData.CreatableTopicConfig c : t.configs()) {
            if (c.value() != null) {
                configs.put(c.name(), c.value());
            }
        }
        TopicConfigCatalog.validate(configs);
        ConfigOverrides.refuseTieredStorage(t.name(), configs);
        return new MetadataStore.NewTopic(t.name(), partitions, configs);
    }

    private void create(RequestContext context, List<MetadataStore.NewTopic> toCreate,
                        Map<String, CreateTopicsResponseData.CreatableTopicResult> results) {
        List<String> created = new ArrayList<>();
        try {
            for (TopicMetadata topic : topics.create(toCreate)) {
                describe(results.get(topic.kafkaName()), topic.partitionCount(), topic.configs(), topic);
                created.add(topic.kafkaName() + " (" + topic.partitionCount() + (topic.partitionCount() == 1 ? " partition)"
                        : " partitions)"));
            }
        } catch (TopicExistsException | InvalidTopicException | PolicyViolationException e) {
            // Lost a race with another creator, or names collide: create one at a time to report each precisely.
            for (MetadataStore.NewTopic t : toCreate) {
                try {
                    TopicMetadata topic = topics.create(List.of(t)).get(0);
                    describe(results.get(t.kafkaName()), topic.partitionCount(), topic.configs(), topic);
                    created.add(topic.kafkaName() + " (" + topic.partitionCount() + (topic.partitionCount() == 1 ? " partition)"
                        : " partitions)"));
                } catch (ApiException each) {
                    fail(results.get(t.kafkaName()), each);
                }
            }
        } catch (ApiException e) {
            toCreate.forEach(t -> fail(results.get(t.kafkaName()), e));
        }
        if (!created.isEmpty()) {
            log.info("Created topics {} for {}", TopicNamesInLog.list(created), context.describeClient());
        }
    }

    private void describe(CreateTopicsResponseData.CreatableTopicResult result, int partitions,
                          Map<String, String> overrides, TopicMetadata topic) {
        result.setNumPartitions(partitions).setReplicationFactor((short) 1);
        if (topic != null) {
            result.setTopicId(topic.id());
        }
        StreamMetadata stream = topics.meta().stream(StreamTopicName.parse(result.name()).stream());
        Map<String, String> streamDefaults = stream == null ? Map.of() : stream.configs();
        List<CreateTopicsResponseData.CreatableTopicConfigs> configs = new ArrayList<>();
        for (ConfigKey key : TopicConfigCatalog.all()) {
            ResolvedConfig resolved = topics.resolver().resolve(overrides, streamDefaults, key);
            configs.add(new CreateTopicsResponseData.CreatableTopicConfigs()
                    .setName(key.name())
                    .setValue(key.sensitive() ? null : resolved.value())
                    .setReadOnly(false)
                    .setConfigSource(resolved.source().id)
                    .setIsSensitive(key.sensitive()));
        }
        result.setConfigs(configs);
    }

    private static void fail(CreateTopicsResponseData.CreatableTopicResult result, ApiException e) {
        result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage())
                .setNumPartitions(-1).setReplicationFactor((short) -1).setConfigs(null);
    }
}
