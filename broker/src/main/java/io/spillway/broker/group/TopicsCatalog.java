package io.spillway.broker.group;

import io.spillway.broker.Topics;
import io.spillway.common.TopicNames;
import io.spillway.coordinator.group.TopicCatalog;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.Uuid;


/** The broker's topics as the consumer-protocol coordinator sees them (Kafka names, ids, partition counts). Thread safe. */
public final class TopicsCatalog implements TopicCatalog {
    private final Topics topics;

    public TopicsCatalog(Topics topics) {
        this.topics = topics;
    }

    @Override
    public TopicInfo byName(String name) {
        return info(topics.byName(name));
    }

    @Override
    public TopicInfo byId(Uuid id) {
        return info(topics.byId(id));
    }

    /** Every topic but the internal ones: a subscription by regular expression never gets a coordinator's topic. */
    @Override
    public Iterable<String> names() {
        return () -> topics.all().stream().map(TopicMetadata::kafkaName).filter(name -> !TopicNames.isInternal(name))
                .iterator();
    }

    private static TopicInfo info(TopicMetadata topic) {
        return topic == null ? null : new TopicInfo(topic.id(), topic.kafkaName(), topic.partitionCount());
    }
}
