package io.spillway.coordinator.group.share;

import io.spillway.coordinator.assignor.SimpleAssignor;
import io.spillway.coordinator.group.TopicCatalog;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** A share group as ShareGroupDescribe shows it. Stateless; called on the coordinator's event thread. */
final class ShareGroupDescriber {
    private ShareGroupDescriber() {
    }

    static ShareGroupDescribeResponseData.DescribedGroup describe(ShareGroup group, TopicCatalog catalog) {
        ShareGroupDescribeResponseData.DescribedGroup out = new ShareGroupDescribeResponseData.DescribedGroup()
                .setGroupId(group.groupId())
                .setGroupState(group.stateName())
                .setGroupEpoch(group.groupEpoch)
                .setAssignmentEpoch(group.assignmentEpoch)
                .setAssignorName(SimpleAssignor.NAME);
        for (ShareGroupMember m : group.members.values()) {
            ShareMemberSubscription s = m.subscription();
            List<ShareGroupDescribeResponseData.TopicPartitions> topics = new ArrayList<>();
            m.current().partitions().forEach((topicId, partitions) -> {
                TopicCatalog.TopicInfo t = catalog.byId(topicId);
                if (t != null) { // a deleted topic is left out, as Kafka does
                    topics.add(new ShareGroupDescribeResponseData.TopicPartitions().setTopicId(topicId)
                            .setTopicName(t.name()).setPartitions(new ArrayList<>(new TreeSet<>(partitions))));
                }
            });
            out.members().add(new ShareGroupDescribeResponseData.Member()
                    .setMemberId(m.memberId())
                    .setRackId(s.rackId())
                    .setMemberEpoch(m.memberEpoch())
                    .setClientId(s.clientId())
                    .setClientHost(s.clientHost())
                    .setSubscribedTopicNames(new ArrayList<>(s.topicNames()))
                    .setAssignment(new ShareGroupDescribeResponseData.Assignment().setTopicPartitions(topics)));
        }
        return out;
    }
}
