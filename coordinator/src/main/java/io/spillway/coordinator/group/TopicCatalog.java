package io.spillway.coordinator.group;

import org.apache.kafka.common.Uuid;

/**
 * The topics the consumer-protocol coordinator assigns: names, ids and partition counts as the
 * broker's metadata has them now. Implementations are thread safe and answer from memory.
 */
public interface TopicCatalog {
    /** A topic as the assignors see it. Immutable. */
    record TopicInfo(Uuid id, String name, int partitionCount) {
    }

    /** The topic of that name, or null if none exists. */
    TopicInfo byName(String name);

    /** The topic with that id, or null if none exists. */
    TopicInfo byId(Uuid id);

    /** Every topic name (regular-expression subscriptions are matched against them). */
    Iterable<String> names();

    /** A catalog without topics (tests, coordinators that never see consumer-protocol groups). */
    TopicCatalog EMPTY = new TopicCatalog() {
        @Override
        public TopicInfo byName(String name) {
            return null;
        }

        @Override
        public TopicInfo byId(Uuid id) {
            return null;
        }

        @Override
        public Iterable<String> names() {
            return java.util.List.of();
        }
    };
}
