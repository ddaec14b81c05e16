package io.spillway.it.groups;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import io.spillway.it.RawKafkaConnection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;

/**
 * A blocking Kafka protocol connection for group requests, one request at a time, built from
 * kafka-clients' generated message classes: tests send exactly the JoinGroup/SyncGroup/Heartbeat/
 * LeaveGroup/OffsetCommit/... they mean, at the version they mean, and read the error codes. A JoinGroup
 * may wait for a rebalance; run it from another thread with its own connection. Not thread safe.
 */
final class GroupWire implements AutoCloseable {

    static final String CONSUMER = "consumer";
    static final int SESSION_TIMEOUT_MS = 10_000;
    static final int REBALANCE_TIMEOUT_MS = 10_000;

    private final RawKafkaConnection wire;

    GroupWire(String host, int port, String clientId) throws IOException {
        wire = new RawKafkaConnection(host, port, clientId);
    }

    /** The highest version of {@code api} both the broker and this client support, at most {@code cap}. */
    short version(ApiKeys api, int cap) {
        return wire.version(api, cap);
    }

    /** True if the broker's range for {@code api} includes {@code version}. */
    boolean supports(ApiKeys api, int version) {
        return wire.supports(api, version);
    }

    /** Sends {@code data} as {@code api} at {@code version} and returns the response's data. */
    <T extends ApiMessage> T call(ApiKeys api, ApiMessage data, short version) throws IOException {
        return wire.call(api, data, version);
    }

    // --- classic group requests with the values a Java consumer would send ---

    /** Subscription metadata of a consumer subscribed to {@code topics}, as the Java client encodes it. */
    static byte[] subscription(List<String> topics) {
        return Utils.toArray(ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(topics)));
    }

    /** Assignment bytes for a consumer, as the Java client encodes them. */
    static byte[] assignment(List<TopicPartition> partitions) {
        return Utils.toArray(ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(partitions)));
    }

    /** JoinGroup with protocol type "consumer", the given protocol names (in preference order) and a subscription to {@code topic}. */
    JoinGroupResponseData join(String group, String memberId, String instanceId, String topic, String... protocols)
            throws IOException {
        return join(group, memberId, instanceId, CONSUMER, SESSION_TIMEOUT_MS, topic, protocols);
    }

    JoinGroupResponseData join(String group, String memberId, String instanceId, String protocolType,
                               int sessionTimeoutMs, String topic, String... protocols) throws IOException {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection ps = new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        for (String p : protocols) {
            ps.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName(p).setMetadata(subscription(List.of(topic))));
        }
        JoinGroupRequestData data = new JoinGroupRequestData()
                .setGroupId(group)
                .setMemberId(memberId)
                .setGroupInstanceId(instanceId)
                .setProtocolType(protocolType)
                .setSessionTimeoutMs(sessionTimeoutMs)
                .setRebalanceTimeoutMs(REBALANCE_TIMEOUT_MS)
                .setProtocols(ps)
                .setReason("spillway group test");
        return call(ApiKeys.JOIN_GROUP, data, version(ApiKeys.JOIN_GROUP, 9));
    }

    /**
     * A new dynamic member: JoinGroup without member id (MEMBER_ID_REQUIRED expected), then with the id
     * given. Like the Java client, it starts over on UNKNOWN_MEMBER_ID: Kafka may delete the still empty
     * group (no members, no offsets) between the two joins when its offsets-retention pass runs then.
     */
    JoinGroupResponseData joinNew(String group, String topic, String... protocols) throws IOException {
        for (int attempt = 1; ; attempt++) {
            JoinGroupResponseData first = join(group, "", null, topic, protocols);
            if (first.errorCode() != Errors.MEMBER_ID_REQUIRED.code()) {
                throw new AssertionError("first JoinGroup of a dynamic member: expected MEMBER_ID_REQUIRED, got "
                        + Errors.forCode(first.errorCode()));
            }
            JoinGroupResponseData second = join(group, first.memberId(), null, topic, protocols);
            if (second.errorCode() != Errors.UNKNOWN_MEMBER_ID.code() || attempt == 3) {
                return second;
            }
        }
    }

    SyncGroupResponseData sync(String group, int generation, String memberId, String instanceId, String protocolName,
                               Map<String, byte[]> assignments) throws IOException {
        List<SyncGroupRequestData.SyncGroupRequestAssignment> as = new ArrayList<>();
        assignments.forEach((m, bytes) -> as.add(new SyncGroupRequestData.SyncGroupRequestAssignment()
                .setMemberId(m).setAssignment(bytes)));
        SyncGroupRequestData data = new SyncGroupRequestData()
                .setGroupId(group)
                .setGenerationId(generation)
                .setMemberId(memberId)
                .setGroupInstanceId(instanceId)
                .setProtocolType(CONSUMER)
                .setProtocolName(protocolName)
                .setAssignments(as);
        return call(ApiKeys.SYNC_GROUP, data, version(ApiKeys.SYNC_GROUP, 5));
    }

    Errors heartbeat(String group, int generation, String memberId, String instanceId) throws IOException {
        HeartbeatRequestData data = new HeartbeatRequestData()
                .setGroupId(group)
                .setGenerationId(generation)
                .setMemberId(memberId)
                .setGroupInstanceId(instanceId);
        HeartbeatResponseData r = call(ApiKeys.HEARTBEAT, data, version(ApiKeys.HEARTBEAT, 4));
        return Errors.forCode(r.errorCode());
    }

    /** LeaveGroup v3+ for several members at once (member id, group instance id or null). */
    LeaveGroupResponseData leave(String group, Map<String, String> memberIdToInstanceId) throws IOException {
        List<LeaveGroupRequestData.MemberIdentity> ms = new ArrayList<>();
        memberIdToInstanceId.forEach((m, i) -> ms.add(new LeaveGroupRequestData.MemberIdentity()
                .setMemberId(m).setGroupInstanceId(i).setReason("spillway group test")));
        LeaveGroupRequestData data = new LeaveGroupRequestData().setGroupId(group).setMembers(ms);
        return call(ApiKeys.LEAVE_GROUP, data, version(ApiKeys.LEAVE_GROUP, 5));
    }

    /** OffsetCommit of one partition (topic by name, so at most v9); returns the partition's error. */
    Errors commit(String group, int generation, String memberId, String instanceId, String topic, int partition,
                  long offset) throws IOException {
        return commit(group, generation, memberId, instanceId, topic, partition, offset, -1, version(ApiKeys.OFFSET_COMMIT, 9));
    }

    /**
     * OffsetCommit of one partition at {@code version}; {@code retentionTimeMs} (-1: the broker's
     * offsets.retention.minutes) is sent only by versions 2 to 4.
     */
    Errors commit(String group, int generation, String memberId, String instanceId, String topic, int partition,
                  long offset, long retentionTimeMs, short version) throws IOException {
        OffsetCommitRequestData data = new OffsetCommitRequestData()
                .setRetentionTimeMs(retentionTimeMs)
                .setGroupId(group)
                .setGenerationIdOrMemberEpoch(generation)
                .setMemberId(memberId)
                .setGroupInstanceId(instanceId)
                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName(topic)
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(partition)
                                .setCommittedOffset(offset)
                                .setCommittedMetadata("")))));
        OffsetCommitResponseData r = call(ApiKeys.OFFSET_COMMIT, data, version);
        return Errors.forCode(r.topics().get(0).partitions().get(0).errorCode());
    }

    @Override
    public void close() throws IOException {
        wire.close();
    }
}
