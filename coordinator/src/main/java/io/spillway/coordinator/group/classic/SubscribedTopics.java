package io.spillway.coordinator.group.classic;

import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.ConsumerProtocolSubscription;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/** The topics the members of a classic consumer group subscribe to, read from their join metadata. */
final class SubscribedTopics {
    private SubscribedTopics() {
    }

    /** Members whose metadata cannot be read count as subscribed to nothing. */
    static Set<String> of(ClassicGroup group) {
        Set<String> topics = new HashSet<>();
        if (!ClassicGroup.CONSUMER_PROTOCOL_TYPE.equals(group.protocolType) || group.protocolName == null) {
            return topics;
        }
        for (ClassicMember member : group.members.values()) {
            byte[] metadata = member.metadata(group.protocolName);
            try {
                ConsumerProtocolSubscription subscription =
                        ConsumerProtocol.deserializeConsumerProtocolSubscription(ByteBuffer.wrap(metadata));
                topics.addAll(subscription.topics());
            } catch (RuntimeException e) {
                // not the standard consumer protocol layout: nothing to protect
            }
        }
        return topics;
    }
}
