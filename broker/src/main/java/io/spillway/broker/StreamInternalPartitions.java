package io.spillway.broker;

import io.spillway.common.StreamTopicName;
import io.spillway.common.TopicNames;
import io.spillway.coordinator.runtime.CoordinatorPartitions;
import io.spillway.log.PartitionLog;
import io.spillway.meta.StreamMetadata;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A coordinator's partitions when its records follow the streams: an internal topic at home (e.g.
 * {@code __consumer_offsets}), and for each stream the partition of the stream's own copy of it
 * ({@code /path/stream:__consumer_offsets}), created with the first record kept there, so that a stream's
 * coordinator state goes wherever the stream goes (deleted, replicated). The group coordinator keeps committed
 * offsets this way ({@link #offsets}), the share coordinator share-partition state ({@link #shareState}).
 *
 * <p>Thread safe.
 */
public final class StreamInternalPartitions implements CoordinatorPartitions {
    private final Topics topics;
    private final PartitionLog home;
    /** Stream path → the name of its own internal topic. */
    private final UnaryOperator<String> topicOfStream;

    private StreamInternalPartitions(Topics topics, PartitionLog home, UnaryOperator<String> topicOfStream) {
        this.topics = topics;
        this.home = home;
        this.topicOfStream = topicOfStream;
    }

    /** The group coordinator's: {@code __consumer_offsets} and each stream's own offsets topic. */
    public static StreamInternalPartitions offsets(Topics topics, PartitionLog home) {
        return new StreamInternalPartitions(topics, home, TopicNames::offsetsTopicOf);
    }

    /** The share coordinator's: {@code __share_group_state} and each stream's own share-state topic. */
    public static StreamInternalPartitions shareState(Topics topics, PartitionLog home) {
        return new StreamInternalPartitions(topics, home, TopicNames::shareStateTopicOf);
    }

    /**
     * The place (stream path) of the records about the topic with this id, or null (home) for a topic of the
     * default stream or one that does not exist (any more).
     */
    public String placeOfTopic(Uuid topicId) {
        TopicMetadata topic = topics.byId(topicId);
        if (topic == null) {
            return null;
        }
        String stream = topic.stream();
        return StreamTopicName.DEFAULT_STREAM.equals(stream) ? null : stream;
    }

    @Override
    public PartitionLog home() {
        return home;
    }

    @Override
    public PartitionLog open(String streamPath) {
        return topics.partition(topics.streamInternalTopic(streamPath, topicOfStream.apply(streamPath)), 0);
    }

    @Override
    public PartitionLog existing(String streamPath) {
        return topics.partition(topicOfStream.apply(streamPath), 0);
    }

    @Override
    public Collection<String> places() {
        List<String> withTopic = new ArrayList<>();
        for (StreamMetadata stream : topics.meta().streams()) {
            if (topics.byName(topicOfStream.apply(stream.path())) != null) {
                withTopic.add(stream.path());
            }
        }
        return withTopic;
    }
}
