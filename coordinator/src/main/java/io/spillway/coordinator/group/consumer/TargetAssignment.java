package io.spillway.coordinator.group.consumer;

import io.spillway.coordinator.group.TopicCatalog;
import io.spillway.coordinator.assignor.PartitionAssignor;
import io.spillway.coordinator.assignor.Assignments;
import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes a consumer group's next target assignment with an assignor and turns it into records: one
 * per member whose target changed, then the new target epoch.
 */
final class TargetAssignment {
    private TargetAssignment() {
    }

    /**
     * @param group the group, with the heartbeating member's latest subscription already applied
     * @param epoch the group epoch the new target is for
     * @param computedAtMs when it is computed (throttles the next computation)
     * @return the records to apply, in order
     */
    static List<ConsumerGroupRecord> compute(ConsumerGroup group, PartitionAssignor assignor, TopicCatalog catalog,
                                             int epoch, long computedAtMs) {
        Map<String, PartitionAssignor.MemberSpec> specs = new LinkedHashMap<>();
        for (ConsumerGroupMember m : group.members.values()) {
            specs.put(m.memberId(), new PartitionAssignor.MemberSpec(m.instanceId(),
                    topicIds(group.subscribedTopics(m.subscription()), catalog), group.targetOf(m.memberId())));
        }
        Map<String, Map<Uuid, Set<Integer>>> next = assignor.assign(new PartitionAssignor.Spec(specs, topicId -> {
            TopicCatalog.TopicInfo topic = catalog.byId(topicId);
            return topic == null ? 0 : topic.partitionCount();
        }));
        List<ConsumerGroupRecord> records = new ArrayList<>();
        for (String memberId : specs.keySet()) {
            Map<Uuid, Set<Integer>> target = Assignments.freeze(next.getOrDefault(memberId, Map.of()));
            if (!target.equals(group.targetAssignment.get(memberId))) {
                records.add(new ConsumerGroupRecord.TargetMember(memberId, target));
            }
        }
        records.add(new ConsumerGroupRecord.TargetEpoch(epoch, computedAtMs));
        return records;
    }

    /** The ids of the named topics that exist. */
    static Set<Uuid> topicIds(Set<String> names, TopicCatalog catalog) {
        Set<Uuid> ids = new HashSet<>();
        for (String name : names) {
            TopicCatalog.TopicInfo topic = catalog.byName(name);
            if (topic != null) {
                ids.add(topic.id());
            }
        }
        return ids;
    }
}
