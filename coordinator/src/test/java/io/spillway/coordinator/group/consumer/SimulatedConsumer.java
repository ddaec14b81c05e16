package io.spillway.coordinator.group.consumer;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A consumer-protocol client as the Java consumer behaves: it revokes what its assignment no longer
 * holds before its next heartbeat (which reports what it owns), takes what was added, and after
 * FENCED_MEMBER_EPOCH or UNKNOWN_MEMBER_ID drops everything and rejoins with epoch 0. Single-threaded.
 */
final class SimulatedConsumer {
    record TopicPartition(Uuid topicId, int partition) {
    }

    final String memberId = Uuid.randomUuid().toString();
    final String instanceId;
    private final String group;
    private final CoordinatorFixture fixture;
    List<String> topics;
    int epoch;
    final Set<TopicPartition> owned = new HashSet<>();
    boolean sendFull = true;

    SimulatedConsumer(CoordinatorFixture fixture, String group, String instanceId, List<String> topics) {
        this.fixture = fixture;
        this.group = group;
        this.instanceId = instanceId;
        this.topics = topics;
    }

    ConsumerGroupHeartbeatResponseData heartbeat() {
        ConsumerGroupHeartbeatRequestData request = new ConsumerGroupHeartbeatRequestData().setGroupId(group)
                .setMemberId(memberId).setMemberEpoch(epoch).setInstanceId(instanceId);
        if (epoch == 0 || sendFull) {
            request.setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(topics).setServerAssignor(null);
        }
        request.setTopicPartitions(epoch == 0 ? List.of() : ownedAsRequest());
        ConsumerGroupHeartbeatResponseData response = fixture.heartbeat(request);
        Errors error = Errors.forCode(response.errorCode());
        if (error == Errors.FENCED_MEMBER_EPOCH || error == Errors.UNKNOWN_MEMBER_ID) {
            owned.clear();
            epoch = 0;
            sendFull = true;
            return response;
        }
        if (error != Errors.NONE) {
            throw new AssertionError("heartbeat of " + memberId + " failed: " + error + " " + response.errorMessage());
        }
        sendFull = false;
        epoch = response.memberEpoch();
        if (response.assignment() != null) {
            Set<TopicPartition> next = new HashSet<>();
            response.assignment().topicPartitions().forEach(t -> t.partitions().forEach(p -> next.add(new TopicPartition(t.topicId(), p))));
            owned.retainAll(next);
            owned.addAll(next);
        }
        return response;
    }

    void changeSubscription(List<String> newTopics) {
        topics = newTopics;
        sendFull = true;
    }

    ConsumerGroupHeartbeatResponseData leave(int leaveEpoch) {
        ConsumerGroupHeartbeatResponseData response = fixture.heartbeat(new ConsumerGroupHeartbeatRequestData()
                .setGroupId(group).setMemberId(memberId).setInstanceId(instanceId).setMemberEpoch(leaveEpoch));
        owned.clear();
        return response;
    }

    private List<ConsumerGroupHeartbeatRequestData.TopicPartitions> ownedAsRequest() {
        Map<Uuid, List<Integer>> byTopic = new TreeMap<>();
        owned.forEach(tp -> byTopic.computeIfAbsent(tp.topicId(), t -> new ArrayList<>()).add(tp.partition()));
        List<ConsumerGroupHeartbeatRequestData.TopicPartitions> out = new ArrayList<>();
        byTopic.forEach((t, ps) -> out.add(new ConsumerGroupHeartbeatRequestData.TopicPartitions().setTopicId(t).setPartitions(ps)));
        return out;
    }
}
