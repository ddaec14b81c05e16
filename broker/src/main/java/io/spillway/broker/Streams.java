package io.spillway.broker;

import io.spillway.broker.config.BrokerSettings;
import io.spillway.common.StreamTopicName;
import io.spillway.common.TopicNames;
import io.spillway.meta.StreamMetadata;
import io.spillway.meta.TopicMetadata;
import io.spillway.meta.config.TopicConfigCatalog;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Streams as objects (docs/streams.md): a stream is addressed through the Kafka admin APIs as a TOPIC resource
 * named by its path alone ({@code /apps/fraud}, no ':'): CreateTopics creates it, DescribeConfigs and
 * (Incremental)AlterConfigs show and change its settings, DeleteTopics deletes it with everything in it. Its
 * settings are defaults for its topics (any topic config, and {@code num.partitions}) and its own
 * ({@value StreamMetadata#MAX_TOPICS}, {@value StreamMetadata#AUTO_CREATE_TOPICS}). Thread safe.
 */
public final class Streams {
    private static final Logger log = LoggerFactory.getLogger(Streams.class);
    /** Settings of a stream that are not topic configs. */
    public static final Set<String> OWN_SETTINGS = Set.of(StreamMetadata.PARTITIONS, StreamMetadata.MAX_TOPICS,
            StreamMetadata.AUTO_CREATE_TOPICS, StreamMetadata.PRODUCER_BYTE_RATE, StreamMetadata.CONSUMER_BYTE_RATE,
            StreamMetadata.STORAGE_QUOTA);
    /** Settings only a stream has: no broker-wide value stands behind them. */
    public static final Set<String> STREAM_ONLY_SETTINGS = Set.of(StreamMetadata.MAX_TOPICS,
            StreamMetadata.PRODUCER_BYTE_RATE, StreamMetadata.CONSUMER_BYTE_RATE, StreamMetadata.STORAGE_QUOTA);
    /** Stream settings whose values may exceed an int (bytes). */
    public static final Set<String> LONG_SETTINGS = Set.of(StreamMetadata.PRODUCER_BYTE_RATE,
            StreamMetadata.CONSUMER_BYTE_RATE, StreamMetadata.STORAGE_QUOTA);

    private final Topics topics;
    private final BrokerSettings settings;

    public Streams(Topics topics, BrokerSettings settings) {
        this.topics = topics;
        this.settings = settings;
    }

    /** Whether a name that a client sends as a topic names a stream: a path without ':'. */
    public static boolean isStreamName(String name) {
        return name != null && name.startsWith("/") && name.indexOf(':') < 0;
    }

    /** @throws InvalidTopicException naming what is wrong with the path */
    public static void validatePath(String path) {
        String problem = TopicNames.streamProblem(path);
        if (problem != null) {
            throw new InvalidTopicException("Stream \"" + path + "\": " + problem);
        }
    }

    /** @throws InvalidConfigurationException for a setting a stream does not have, or a value it cannot take */
    public static void validateSettings(String path, Map<String, String> configs) {
        Map<String, String> topicConfigs = new HashMap<>();
        configs.forEach((name, value) -> {
            if (OWN_SETTINGS.contains(name)) {
                checkOwn(path, name, value);
            } else if (TopicConfigCatalog.find(name).isPresent()) {
                topicConfigs.put(name, value);
            } else {
                throw new InvalidConfigurationException("Stream " + path + " has no setting '" + name + "'; a stream "
                        + "takes topic configs (defaults for its topics) and " + OWN_SETTINGS);
            }
        });
        TopicConfigCatalog.validate(topicConfigs);
    }

    private static void checkOwn(String path, String name, String value) {
        if (name.equals(StreamMetadata.AUTO_CREATE_TOPICS)) {
            if (!value.equals("true") && !value.equals("false")) {
                throw new InvalidConfigurationException("Invalid value " + value + " for " + name + " of stream "
                        + path + ": it must be true or false");
            }
            return;
        }
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        long min = name.equals(StreamMetadata.MAX_TOPICS) ? 0 : 1;
        long max = LONG_SETTINGS.contains(name) ? Long.MAX_VALUE : Integer.MAX_VALUE;
        if (n < min || n > max) {
            throw new InvalidConfigurationException("Invalid value " + value + " for " + name + " of stream " + path
                    + ": it must be a whole number from " + min + " to " + max);
        }
    }

    /** Creates a stream for the client of {@code context} (named in the log line saying so). */
    public StreamMetadata create(String path, Map<String, String> configs, RequestContext context) {
        validatePath(path);
        validateSettings(path, configs);
        StreamMetadata stream = topics.meta().createStream(path, configs);
        log.info("Created stream {} with settings {} for {}", path, ConfigsInLog.settings(configs, ConfigsInLog.TOPIC),
                context.describeClient());
        return stream;
    }

    /** @throws UnknownTopicOrPartitionException if there is no such stream */
    public StreamMetadata get(String path) {
        StreamMetadata stream = topics.meta().stream(path);
        if (stream == null) {
            validatePath(path);
            throw new UnknownTopicOrPartitionException("Stream '" + path + "' does not exist");
        }
        return stream;
    }

    /**
     * Replaces a stream's settings; its topics follow the new defaults at once. The caller logs the change (it
     * knows what was there before and who asked).
     */
    public StreamMetadata setSettings(String path, Map<String, String> configs) {
        get(path);
        validateSettings(path, configs);
        StreamMetadata stream = topics.meta().setStreamConfigs(path, configs);
        topics.streamDefaultsChanged(path);
        return stream;
    }

    /**
     * Deletes the stream and every topic in it (their data goes with them) for the client of {@code context} (named
     * in the log line saying so); returns the topics' names.
     */
    public List<String> delete(String path, RequestContext context) {
        get(path);
        List<TopicMetadata> inStream = new ArrayList<>();
        for (TopicMetadata topic : topics.all()) {
            if (topic.name().stream().equals(path)) {
                inStream.add(topic);
            }
        }
        inStream.forEach(topics::delete);
        topics.meta().deleteStream(path);
        log.info("Deleted stream {} and its {} for {}", path,
                inStream.size() == 1 ? "1 topic" : inStream.size() + " topics", context.describeClient());
        return inStream.stream().map(TopicMetadata::kafkaName).toList();
    }

    /** Partitions of a new topic that does not say: its stream's default, else the broker's. */
    public int defaultPartitions(String topicName) {
        String value = setting(topicName, StreamMetadata.PARTITIONS);
        return value != null ? Integer.parseInt(value.trim()) : settings.intValue("num.partitions");
    }

    /** Whether a client naming the topic may create it: its stream's switch, else the broker's. */
    public boolean autoCreateEnabled(String topicName) {
        String value = setting(topicName, StreamMetadata.AUTO_CREATE_TOPICS);
        return value != null ? Boolean.parseBoolean(value) : settings.booleanValue("auto.create.topics.enable");
    }

    private String setting(String topicName, String name) {
        StreamMetadata stream = topics.meta().stream(StreamTopicName.parse(topicName).stream());
        return stream == null ? null : stream.configs().get(name);
    }
}
