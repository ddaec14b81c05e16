package io.spillway.common;

import java.util.Objects;

/**
 * A topic name split into the stream that owns it and the topic's name inside that stream.
 *
 * <p>Spillway names topics {@code /path/to/stream:topic}; a plain Kafka name such as {@code orders}
 * lives in the {@link #DEFAULT_STREAM default stream}. Immutable.
 */
public record StreamTopicName(String stream, String topic) {
    /** The stream holding every topic whose name has no stream path. */
    public static final String DEFAULT_STREAM = "/";

    public StreamTopicName {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(topic, "topic");
    }

    /** Splits a name as clients send it; a name without a leading '/' and ':' is a plain Kafka name. */
    public static StreamTopicName parse(String kafkaName) {
        if (kafkaName.startsWith("/")) {
            int colon = kafkaName.lastIndexOf(':');
            if (colon > 0) {
                return new StreamTopicName(kafkaName.substring(0, colon), kafkaName.substring(colon + 1));
            }
        }
        return new StreamTopicName(DEFAULT_STREAM, kafkaName);
    }

    public boolean inDefaultStream() {
        return DEFAULT_STREAM.equals(stream);
    }

    /** The name clients use for this topic. */
    public String kafkaName() {
        return inDefaultStream() ? topic : stream + ":" + topic;
    }

    @Override
    public String toString() {
        return kafkaName();
    }
}
