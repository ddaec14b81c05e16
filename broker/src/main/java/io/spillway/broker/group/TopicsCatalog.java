package io.spillway.broker.group;

import io.spillway.broker.Topics;
import io.spillway.coordinator.group.TopicCatalog;
import io.spillway.meta.TopicMetadata;
import org.apache.kafka.common.Uuid;

import java.util.Iterator;

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

    @Override
    public Iterable<String> names() {
        return () -> new Iterator<>() {
            private final Iterator<TopicMetadata> all = topics.all().iterator();

            @Override
            public boolean hasNext() {
                return all.hasNext();
            }

            @Override
            public String next() {
                return all.next().kafkaName();
            }
        };
    }

    private static TopicInfo info(TopicMetadata topic) {
        return topic == null ? null : new TopicInfo(topic.id(), topic.kafkaName(), topic.partitionCount());
    }
}
