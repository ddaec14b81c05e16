package io.spillway.coordinator.group.consumer;

import io.spillway.coordinator.group.TopicCatalog;
import io.spillway.coordinator.assignor.Assignments;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A consumer-protocol group as ConsumerGroupDescribe shows it. Stateless; the caller holds the group's monitor. */
final class ConsumerGroupDescriber {
    private ConsumerGroupDescriber() {
    }

    /**
     * @param assignor the group's assignor (the one most members asked for, else the default)
     */
    static ConsumerGroupDescribeResponseData.DescribedGroup describe(ConsumerGroup group, String assignor,
                                                                    TopicCatalog catalog) {
        ConsumerGroupDescribeResponseData.DescribedGroup out = new ConsumerGroupDescribeResponseData.DescribedGroup()
                .setGroupId(group.groupId())
                .setGroupState(group.state().kafkaName())
                .setGroupEpoch(group.groupEpoch)
                .setAssignmentEpoch(group.assignmentEpoch)
                .setAssignorName(assignor);
        for (ConsumerGroupMember m : group.members.values()) {
            MemberSubscription s = m.subscription();
            Map<Uuid, Set<Integer>> owned = new HashMap<>(Assignments.partitions(m.current().assigned()));
            Assignments.partitions(m.current().pendingRevocation()).forEach((topicId, partitions) ->
                    owned.merge(topicId, partitions, (a, b) -> {
                        Set<Integer> union = new TreeSet<>(a);
                        union.addAll(b);
                        return union;
                    }));
            out.members().add(new ConsumerGroupDescribeResponseData.Member()
                    .setMemberId(m.memberId())
                    .setInstanceId(s.instanceId())
                    .setRackId(s.rackId())
                    .setMemberEpoch(m.memberEpoch())
                    .setClientId(s.clientId())
                    .setClientHost(s.clientHost())
                    .setSubscribedTopicNames(new ArrayList<>(new TreeSet<>(s.topicNames())))
                    .setSubscribedTopicRegex(s.topicRegex())
                    .setAssignment(assignment(owned, catalog))
                    .setTargetAssignment(assignment(group.targetOf(m.memberId()), catalog))
                    .setMemberType((byte) 1));
        }
        return out;
    }

    /** Partitions by topic id and name; topics that no longer exist are left out, as Kafka does. */
    private static ConsumerGroupDescribeResponseData.Assignment assignment(Map<Uuid, Set<Integer>> partitions,
                                                                          TopicCatalog catalog) {
        List<ConsumerGroupDescribeResponseData.TopicPartitions> topics = new ArrayList<>();
        partitions.forEach((topicId, set) -> {
            TopicCatalog.TopicInfo topic = catalog.byId(topicId);
            if (topic != null) {
                topics.add(new ConsumerGroupDescribeResponseData.TopicPartitions().setTopicId(topicId)
                        .setTopicName(topic.name()).setPartitions(new ArrayList<>(new TreeSet<>(set))));
            }
        });
        return new ConsumerGroupDescribeResponseData.Assignment().setTopicPartitions(topics);
    }
}
