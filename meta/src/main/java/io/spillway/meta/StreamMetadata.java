package io.spillway.meta;

import java.util.Map;

/**
 * A stream as the metadata store knows it: its path ({@code /apps/fraud}) and its settings, which are defaults
 * for the topics in it (topic configs such as {@code retention.ms}, and {@code num.partitions}) and the stream's
 * own settings ({@link #MAX_TOPICS}, {@link #AUTO_CREATE_TOPICS}). Immutable.
 */
public record StreamMetadata(String path, Map<String, String> configs) {
    /** At most this many topics in the stream (unset: no limit). */
    public static final String MAX_TOPICS = "spillway.stream.max.topics";
    /** Whether clients may create topics in the stream by naming them (unset: the broker's auto.create.topics.enable). */
    public static final String AUTO_CREATE_TOPICS = "auto.create.topics.enable";
    /** Bytes per second all producers together may write to the stream's topics (unset: no limit). */
    public static final String PRODUCER_BYTE_RATE = "spillway.stream.producer.byte.rate";
    /** Bytes per second all consumers together may fetch from the stream's topics (unset: no limit). */
    public static final String CONSUMER_BYTE_RATE = "spillway.stream.consumer.byte.rate";
    /** At most this many bytes on disk in the stream's topics; then produce is refused (unset: no limit). */
    public static final String STORAGE_QUOTA = "spillway.stream.storage.quota.bytes";
    /** Partitions of a new topic that does not say (unset: the broker's num.partitions). */
    public static final String PARTITIONS = "num.partitions";

    public StreamMetadata {
        configs = Map.copyOf(configs);
    }
}
