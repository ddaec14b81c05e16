package io.spillway.coordinator.group.consumer;

import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.InvalidRegularExpression;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnsupportedAssignorException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.protocol.Errors;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Kafka's checks of a ConsumerGroupHeartbeat: of the request alone, and of the member it names. Stateless. */
final class HeartbeatChecks {
    private HeartbeatChecks() {
    }

    /**
     * The checks Kafka makes before it looks at the group.
     *
     * @throws InvalidRequestException or UnsupportedAssignorException with Kafka's messages
     */
    static void validate(ConsumerGroupHeartbeatRequestData request, short apiVersion, List<String> assignors) {
        int epoch = request.memberEpoch();
        if (apiVersion >= 1 || epoch > 0 || epoch == ConsumerGroupProtocol.LEAVE_GROUP_MEMBER_EPOCH) {
            requireNotBlank(request.memberId(), "MemberId can't be empty.");
        }
        requireNotBlank(request.groupId(), "GroupId can't be empty.");
        requireNotBlank(request.instanceId(), "InstanceId can't be empty.");
        requireNotBlank(request.rackId(), "RackId can't be empty.");
        if (epoch == 0) {
            if (request.rebalanceTimeoutMs() == -1) {
                throw new InvalidRequestException("RebalanceTimeoutMs must be provided in first request.");
            }
            if (request.topicPartitions() == null || !request.topicPartitions().isEmpty()) {
                throw new InvalidRequestException("TopicPartitions must be empty when (re-)joining.");
            }
            if (request.subscribedTopicNames() == null && request.subscribedTopicRegex() == null) {
                throw new InvalidRequestException(
                        "Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.");
            }
        } else if (epoch == ConsumerGroupProtocol.LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            if (request.instanceId() == null) {
                throw new InvalidRequestException("InstanceId can't be null.");
            }
        } else if (epoch < ConsumerGroupProtocol.LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            throw new InvalidRequestException("MemberEpoch is invalid.");
        }
        if (request.serverAssignor() != null && !assignors.contains(request.serverAssignor())) {
            throw new UnsupportedAssignorException("ServerAssignor " + request.serverAssignor()
                    + " is not supported. Supported assignors: " + String.join(", ", assignors) + ".");
        }
    }

    private static void requireNotBlank(String value, String message) {
        if (value != null && value.trim().isEmpty()) {
            throw new InvalidRequestException(message);
        }
    }

    /** FENCED_INSTANCE_ID when the instance id belongs to another member id. */
    static void checkInstanceNotFenced(ConsumerGroup group, ConsumerGroupMember existing, String memberId,
                                       String instanceId) {
        if (!existing.memberId().equals(memberId)) {
            throw Errors.FENCED_INSTANCE_ID.exception("Static member " + memberId + " with instance id " + instanceId
                    + " was fenced by member " + existing.memberId() + " of group " + group.groupId() + ".");
        }
    }

    /**
     * FENCED_MEMBER_EPOCH unless the member sent its current epoch (or 0 to rejoin), or its previous one
     * while owning only partitions it still has (the response that moved it on may have been lost).
     */
    static void checkEpoch(ConsumerGroupMember member, int received,
                           List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned) {
        int epoch = member.memberEpoch();
        if (received == 0 || received == epoch) {
            return;
        }
        if (received > epoch) {
            throw new FencedMemberEpochException("The consumer group member has a greater member epoch (" + received
                    + ") than the one known by the group coordinator (" + epoch
                    + "). The member must abandon all its partitions and rejoin.");
        }
        if (received != member.current().previousMemberEpoch() || !ownsOnlyAssigned(owned, member.current())) {
            throw new FencedMemberEpochException("The consumer group member has a smaller member epoch (" + received
                    + ") than the one known by the group coordinator (" + epoch
                    + "). The member must abandon all its partitions and rejoin.");
        }
    }

    private static boolean ownsOnlyAssigned(List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned,
                                            CurrentAssignment current) {
        if (owned == null) {
            return false;
        }
        for (ConsumerGroupHeartbeatRequestData.TopicPartitions tp : owned) {
            Map<Integer, Integer> assigned = current.assigned().get(tp.topicId());
            if (assigned == null || !assigned.keySet().containsAll(tp.partitions())) {
                return false;
            }
        }
        return true;
    }

    /** INVALID_REGULAR_EXPRESSION if the pattern does not compile. */
    static void validateRegex(String regex) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new InvalidRegularExpression("SubscribedTopicRegex `" + regex + "` is not a valid regular expression: "
                    + e.getDescription() + ".");
        }
    }
}
