package io.spillway.broker;

import io.spillway.broker.config.TopicConfigResolver;
import io.spillway.common.StreamTopicName;
import io.spillway.common.TopicNames;
import io.spillway.log.LogConfig;
import io.spillway.log.LogManager;
import io.spillway.log.PartitionLog;
import io.spillway.meta.MetadataStore;
import io.spillway.meta.StreamMetadata;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;

import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Topics and their partition logs together: every change goes to the metadata store first (so it
 * is durable) and is then reflected in the {@link LogManager}. Thread safe; changes are
 * serialised by this object's monitor, lookups are lock-free.
 */
public final class Topics {
    private static final Logger logger = LoggerFactory.getLogger(Topics.class);

    private final MetadataStore meta;
    private final LogManager logs;
    private final TopicConfigResolver resolver;

    /**
     * Resolved log settings by what they are resolved from (topic overrides and stream defaults): one instance shared
     * by every partition with the same inputs. Why: most topics have the same settings, a copy per partition costs
     * 64 bytes (64 MB at a million partitions), and resolving every key through the broker's synonyms for each of a
     * million topics took seconds of a restart. Emptied when broker or stream defaults change, and when it grows
     * past {@value #MAX_CACHED_CONFIGS} entries (which only loses sharing for the ones made after).
     */
    private final Map<ConfigInputs, LogConfig> resolvedConfigs = new ConcurrentHashMap<>();
    private static final int MAX_CACHED_CONFIGS = 10_000;

    private record ConfigInputs(Map<String, String> overrides, Map<String, String> streamDefaults) {
    }

    public Topics(MetadataStore meta, LogManager logs, TopicConfigResolver resolver) {
        this.meta = meta;
        this.logs = logs;
        this.resolver = resolver;
    }

    /** Opens the logs of every known topic; called once at startup before the logs recover. */
    public void openAll() {
        for (TopicMetadata topic : meta.topics()) {
            openPartitions(topic, 0);
        }
    }

    private void openPartitions(TopicMetadata topic, int from) {
        LogConfig config = logConfig(topic);
        for (int p = from; p < topic.partitionCount(); p++) {
            long key = topic.partitionKey(p);
            logs.open(key, topic.kafkaName(), p, config, meta.logStartOffset(key));
        }
    }

    public TopicMetadata byName(String kafkaName) {
        return meta.topic(kafkaName);
    }

    public TopicMetadata byId(Uuid id) {
        return meta.topic(id);
    }

    /** Every topic, in name order. */
    public Collection<TopicMetadata> all() {
        return meta.topics();
    }

    /** The topics whose names are at or after {@code name}, in name order. */
    public Collection<TopicMetadata> allFrom(String name) {
        return meta.topicsFrom(name);
    }

    /** The log of a partition, or null if the topic or partition does not exist. */
    public PartitionLog partition(TopicMetadata topic, int partition) {
        if (topic == null || partition < 0 || partition >= topic.partitionCount()) {
            return null;
        }
        return logs.get(topic.partitionKey(partition));
    }

    public PartitionLog partition(String kafkaName, int partition) {
        return partition(meta.topic(kafkaName), partition);
    }

    /**
     * Creates topics; a topic in a stream that does not exist yet creates the stream (without settings).
     *
     * @throws PolicyViolationException if a stream would hold more topics than its limit (then none is created)
     */
    public synchronized List<TopicMetadata> create(List<MetadataStore.NewTopic> newTopics) {
        Map<String, Integer> perStream = new HashMap<>();
        for (MetadataStore.NewTopic t : newTopics) {
            String stream = StreamTopicName.parse(t.kafkaName()).stream();
            if (!StreamTopicName.DEFAULT_STREAM.equals(stream)) {
                perStream.merge(stream, 1, Integer::sum);
            }
        }
        perStream.forEach(this::checkRoom);
        perStream.keySet().forEach(this::createStreamIfMissing);
        List<TopicMetadata> created = meta.createTopics(newTopics);
        for (TopicMetadata topic : created) {
            openPartitions(topic, 0);
        }
        return created;
    }

    /** What a coordinator's internal topic needs whatever its stream's defaults say: kept by key, never by age. */
    public static final Map<String, String> INTERNAL_TOPIC_CONFIGS = Map.of("cleanup.policy", "compact",
            "retention.ms", "-1", "retention.bytes", "-1");

    /**
     * A stream's own coordinator topic {@code name} (one partition: {@code /path/stream:__consumer_offsets} for the
     * committed offsets of its topics, {@code /path/stream:__share_group_state} for their share-partition state),
     * created if the stream has none yet; null when the stream does not exist, so that coordinator records never
     * bring a deleted stream back. It does not count against the stream's topic limit.
     */
    public synchronized TopicMetadata streamInternalTopic(String streamPath, String name) {
        TopicMetadata existing = meta.topic(name);
        if (existing != null || meta.stream(streamPath) == null) {
            return existing;
        }
        TopicMetadata created = meta.createTopics(List.of(new MetadataStore.NewTopic(name, 1,
                INTERNAL_TOPIC_CONFIGS))).get(0);
        openPartitions(created, 0);
        return created;
    }

    /**
     * Renames (or moves to another stream) a topic without copying anything: its partitions, data and configs
     * stay, it gets a new id, and clients of the old name are told it does not exist. A stream that does not
     * exist yet is created; the destination stream's topic limit holds.
     */
    public synchronized TopicMetadata rename(TopicMetadata topic, String newName) {
        validateName(newName);
        String stream = StreamTopicName.parse(newName).stream();
        if (!stream.equals(topic.stream()) && !StreamTopicName.DEFAULT_STREAM.equals(stream)) {
            checkRoom(stream, 1);
            createStreamIfMissing(stream);
        }
        TopicMetadata renamed = meta.renameTopic(topic.id(), newName);
        applyConfig(renamed); // the new stream's defaults
        return renamed;
    }

    /**
     * @throws PolicyViolationException if the stream would hold more topics than its spillway.stream.max.topics
     *     (its internal offsets and share-state topics not counted)
     */
    private void checkRoom(String stream, int adding) {
        StreamMetadata existing = meta.stream(stream);
        String limit = existing == null ? null : existing.configs().get(StreamMetadata.MAX_TOPICS);
        if (limit == null) {
            return;
        }
        int held = meta.topicCount(stream) - (meta.topic(TopicNames.offsetsTopicOf(stream)) != null ? 1 : 0)
                - (meta.topic(TopicNames.shareStateTopicOf(stream)) != null ? 1 : 0);
        if (held + adding > Long.parseLong(limit.trim())) {
            throw new PolicyViolationException("Stream " + stream + " holds " + held + " topics and allows at most "
                    + limit.trim() + " (" + StreamMetadata.MAX_TOPICS + "); delete topics or raise the limit");
        }
    }

    /** A topic named in a stream that does not exist yet creates the stream, without settings (renames use it). */
    public synchronized void ensureStream(String stream) {
        if (!StreamTopicName.DEFAULT_STREAM.equals(stream)) {
            createStreamIfMissing(stream);
        }
    }

    /** A topic named in a stream that does not exist yet creates the stream, without settings. */
    private void createStreamIfMissing(String stream) {
        if (meta.stream(stream) == null) {
            meta.createStream(stream, Map.of());
            logger.info("Created stream {} without settings of its own, for a topic named in it", stream);
        }
    }

    /** A partition by its topic's current name or, for transaction markers decided before a rename, its former one. */
    public PartitionLog partitionIncludingFormerName(String kafkaName, int partition) {
        TopicMetadata topic = meta.topic(kafkaName);
        return partition(topic != null ? topic : meta.topicByFormerName(kafkaName), partition);
    }

    public synchronized void delete(TopicMetadata topic) {
        meta.deleteTopic(topic.id());
        for (int p = 0; p < topic.partitionCount(); p++) {
            logs.delete(topic.partitionKey(p));
        }
    }

    public synchronized TopicMetadata addPartitions(TopicMetadata topic, int newCount) {
        TopicMetadata updated = meta.addPartitions(topic.id(), newCount);
        openPartitions(updated, topic.partitionCount());
        return updated;
    }

    public synchronized TopicMetadata setConfigs(TopicMetadata topic, Map<String, String> overrides) {
        TopicMetadata updated = meta.setTopicConfigs(topic.id(), overrides);
        applyConfig(updated);
        return updated;
    }

    /** Re-resolves every topic's log settings after broker-level defaults changed. */
    public synchronized void brokerDefaultsChanged() {
        forgetResolvedConfigs();
        for (TopicMetadata topic : meta.topics()) {
            applyConfig(topic);
        }
    }

    /** The defaults of the topic's stream (none for the default stream, or a stream without settings). */
    public Map<String, String> streamDefaults(TopicMetadata topic) {
        StreamMetadata stream = meta.stream(topic.stream());
        return stream == null ? Map.of() : stream.configs();
    }

    /** Re-resolves the log settings of every topic in the stream after its defaults changed. */
    public synchronized void streamDefaultsChanged(String streamPath) {
        forgetResolvedConfigs();
        for (TopicMetadata topic : meta.topics()) {
            if (topic.stream().equals(streamPath)) {
                applyConfig(topic);
            }
        }
    }

    private void applyConfig(TopicMetadata topic) {
        LogConfig config = logConfig(topic);
        for (int p = 0; p < topic.partitionCount(); p++) {
            PartitionLog log = logs.get(topic.partitionKey(p));
            if (log != null) {
                log.config(config);
            }
        }
    }

    private LogConfig logConfig(TopicMetadata topic) {
        ConfigInputs inputs = new ConfigInputs(topic.configs(), streamDefaults(topic));
        LogConfig cached = resolvedConfigs.get(inputs);
        if (cached != null) {
            return cached;
        }
        if (resolvedConfigs.size() >= MAX_CACHED_CONFIGS) {
            forgetResolvedConfigs();
        }
        LogConfig config = resolver.logConfig(inputs.overrides(), inputs.streamDefaults());
        resolvedConfigs.put(inputs, config);
        return config;
    }

    private void forgetResolvedConfigs() {
        resolvedConfigs.clear();
    }

    public TopicConfigResolver resolver() {
        return resolver;
    }

    public LogManager logs() {
        return logs;
    }

    public MetadataStore meta() {
        return meta;
    }

    /**
     * The topic name rules of {@link TopicNames}: Kafka's for plain names, and {@code /path/to/stream:topic} for
     * stream topics.
     *
     * @throws InvalidTopicException naming what is wrong
     */
    public static void validateName(String name) {
        String problem = TopicNames.problem(name);
        if (problem != null) {
            throw new InvalidTopicException(problem);
        }
    }

    /**
     * A stream's offsets topic is made by the broker with the stream's first committed offset, its share-state
     * topic with the first share-partition state stored for one of its topics; never by a client.
     *
     * @throws InvalidRequestException for {@code /path/stream:__consumer_offsets} and
     *     {@code /path/stream:__share_group_state}
     */
    public static void refuseStreamInternal(String name) {
        if (TopicNames.isStreamOffsetsTopic(name)) {
            throw new InvalidRequestException("Topic '" + name + "' is the internal topic that keeps the committed "
                    + "offsets of its stream's topics; the broker creates it with the first offset committed for one "
                    + "of them and deletes it with the stream");
        }
        if (TopicNames.isStreamShareStateTopic(name)) {
            throw new InvalidRequestException("Topic '" + name + "' is the internal topic that keeps the share-group "
                    + "state of its stream's topics; the broker creates it with the first state stored for one of "
                    + "them and deletes it with the stream");
        }
    }
}
