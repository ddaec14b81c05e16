package io.spillway.coordinator.group.share;

import io.spillway.common.Time;
import io.spillway.coordinator.assignor.SimpleAssignor;
import io.spillway.coordinator.group.Group;
import io.spillway.coordinator.group.GroupRecord;
import io.spillway.coordinator.group.ShareGroupChange;
import io.spillway.coordinator.group.ShareGroupConfig;
import io.spillway.coordinator.group.TopicCatalog;
import io.spillway.coordinator.runtime.Changes;
import io.spillway.coordinator.runtime.CoordinatorTimer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * ShareGroupHeartbeat (KIP-932) with Kafka 4.4's semantics: joining (epoch 0, with a member id the client made),
 * heartbeating, leaving (epoch -1), member epochs and fencing, session timeouts, and the target assignment of the
 * {@link SimpleAssignor}. Share members need no revocation step (a partition may have several members), so a
 * member takes its target assignment, and the target's epoch, on the heartbeat that finds it. Every change is a
 * {@link ShareGroupRecord} applied through the runtime's {@link Changes} (the same code as on replay).
 *
 * <p>A member that goes (leaves, is fenced, or its session expires) is reported to the {@link ShareGroupListener}
 * once its removal is durable, so the broker can release the records it had acquired.
 *
 * <p>Not thread safe: runs on the group coordinator's event thread, as part of one operation at a time.
 */
public final class ShareGroupProtocol {
    private static final Logger log = LoggerFactory.getLogger(ShareGroupProtocol.class);
    static final int LEAVE_GROUP_MEMBER_EPOCH = -1;

    private final Map<String, Group> groups;
    private final ShareGroupConfig config;
    private final TopicCatalog catalog;
    private final CoordinatorTimer<GroupRecord> timer;
    private final Time time;
    private final ShareGroupListener listener;

    public ShareGroupProtocol(Map<String, Group> groups, ShareGroupConfig config, TopicCatalog catalog,
                              CoordinatorTimer<GroupRecord> timer, Time time, ShareGroupListener listener) {
        this.groups = groups;
        this.config = config;
        this.catalog = catalog;
        this.timer = timer;
        this.time = time;
        this.listener = listener;
    }

    private static void add(Changes<GroupRecord> changes, ShareGroup group, ShareGroupRecord record) {
        changes.add(new ShareGroupChange(group.groupId(), record));
    }

    // ---------------------------------------------------------------- ShareGroupHeartbeat

    /**
     * ShareGroupHeartbeat as one coordinator operation.
     *
     * @throws ApiException with Kafka's error for the request (see {@link #errorResponse})
     */
    public ShareGroupHeartbeatResponseData heartbeat(Changes<GroupRecord> changes, String clientId, String clientHost,
                                                     ShareGroupHeartbeatRequestData request) {
        validate(request);
        if (request.memberEpoch() == LEAVE_GROUP_MEMBER_EPOCH) {
            return leave(changes, request.groupId(), request.memberId());
        }
        String groupId = request.groupId();
        boolean joining = request.memberEpoch() == 0;
        Group existing = groups.get(groupId);
        ShareGroup group;
        boolean created = false;
        if (existing == null) {
            if (!joining) {
                throw new GroupIdNotFoundException("Share group " + groupId + " not found.");
            }
            group = new ShareGroup(groupId);
            created = true;
            groups.put(groupId, group); // in the map before its first record, so that replaying that record finds it
        } else if (existing instanceof ShareGroup share) {
            group = share;
        } else {
            throw new GroupIdNotFoundException("Group " + groupId + " is not a share group.");
        }
        try {
            return heartbeat(changes, group, clientId, clientHost, request);
        } catch (RuntimeException e) {
            if (created && groups.get(groupId) == group) {
                group.dead = true;
                groups.remove(groupId);
            }
            throw e;
        }
    }

    /** The heartbeat response for a failed request. */
    public static ShareGroupHeartbeatResponseData errorResponse(Throwable error) {
        ApiError e = ApiError.fromThrowable(error);
        return new ShareGroupHeartbeatResponseData().setErrorCode(e.error().code()).setErrorMessage(e.message());
    }

    /** Kafka's checks of the request alone, made before the group is looked at. */
    static void validate(ShareGroupHeartbeatRequestData request) {
        requireNotBlank(request.memberId(), "MemberId can't be empty.");
        requireNotBlank(request.groupId(), "GroupId can't be empty.");
        requireNotBlank(request.rackId(), "RackId can't be empty.");
        if (request.memberEpoch() == 0) {
            if (request.subscribedTopicNames() == null || request.subscribedTopicNames().isEmpty()) {
                throw new InvalidRequestException("SubscribedTopicNames must be set in first request.");
            }
        } else if (request.memberEpoch() < LEAVE_GROUP_MEMBER_EPOCH) {
            throw new InvalidRequestException("MemberEpoch is invalid.");
        }
    }

    private static void requireNotBlank(String value, String message) {
        if (value != null && value.trim().isEmpty()) {
            throw new InvalidRequestException(message);
        }
    }

    private ShareGroupHeartbeatResponseData heartbeat(Changes<GroupRecord> changes, ShareGroup group, String clientId,
                                                      String clientHost, ShareGroupHeartbeatRequestData request) {
        String memberId = request.memberId();
        int epoch = request.memberEpoch();
        ShareGroupMember member = group.members.get(memberId);
        if (member == null && group.members.size() >= config.maxSize()) {
            throw new GroupMaxSizeReachedException("The share group has reached its maximum capacity of "
                    + config.maxSize() + " members.");
        }
        if (member == null) {
            if (epoch != 0) {
                throw new UnknownMemberIdException("Member " + memberId + " is not a member of group "
                        + group.groupId() + ".");
            }
            log.info("Member {} joins share group {}", memberId, group.groupId());
            member = new ShareGroupMember(memberId, ShareMemberSubscription.NEW, ShareMemberAssignment.NEW);
        } else {
            checkEpoch(group, member, epoch);
        }
        boolean isNew = !group.members.containsKey(memberId);
        ShareMemberSubscription old = member.subscription();
        ShareMemberSubscription next = new ShareMemberSubscription(
                request.rackId() != null ? request.rackId() : old.rackId(), clientId, clientHost,
                request.subscribedTopicNames() != null ? new TreeSet<>(request.subscribedTopicNames()) : old.topicNames());
        boolean topicsChanged = !next.topicNames().equals(old.topicNames());
        if (isNew || !next.equals(old)) {
            add(changes, group, new ShareGroupRecord.Subscription(memberId, next));
        }
        long hash = metadataHash(group.subscribedTopics());
        if (topicsChanged || hash != group.metadataHash) {
            add(changes, group, new ShareGroupRecord.GroupEpoch(group.groupEpoch + 1, hash));
            log.info("Share group {} moves to epoch {}", group.groupId(), group.groupEpoch);
        }
        if (group.assignmentEpoch < group.groupEpoch) {
            computeTarget(changes, group);
        }
        ShareGroupMember current = group.members.get(memberId);
        ShareMemberAssignment before = current.current();
        if (topicsChanged || before.memberEpoch() != group.assignmentEpoch) {
            ShareMemberAssignment after = new ShareMemberAssignment(group.assignmentEpoch, before.memberEpoch(),
                    existingTopics(group.targetOf(memberId)));
            if (!after.equals(before)) {
                add(changes, group, new ShareGroupRecord.Current(memberId, after));
            }
        }
        touchSession(group, memberId);

        ShareGroupMember updated = group.members.get(memberId);
        ShareGroupHeartbeatResponseData response = new ShareGroupHeartbeatResponseData()
                .setMemberId(memberId)
                .setMemberEpoch(updated.memberEpoch())
                .setHeartbeatIntervalMs(config.heartbeatIntervalMs(group.groupId()));
        if (epoch == 0 || request.subscribedTopicNames() != null
                || !updated.current().partitions().equals(before.partitions())) {
            response.setAssignment(assignment(updated.current().partitions()));
        }
        return response;
    }

    /**
     * FENCED_MEMBER_EPOCH unless the member sent 0 (rejoin), its current epoch, or its previous one (the response
     * that moved it on may have been lost), as Kafka checks share members.
     */
    private static void checkEpoch(ShareGroup group, ShareGroupMember member, int received) {
        int epoch = member.memberEpoch();
        if (received == 0 || received == epoch) {
            return;
        }
        if (received > epoch) {
            throw new FencedMemberEpochException("The share group member has a greater member epoch (" + received
                    + ") than the one known by the group coordinator (" + epoch + "). The member must rejoin.");
        }
        if (received != member.current().previousMemberEpoch()) {
            throw new FencedMemberEpochException("The share group member has a smaller member epoch (" + received
                    + ") than the one known by the group coordinator (" + epoch + "). The member must rejoin.");
        }
    }

    private static ShareGroupHeartbeatResponseData.Assignment assignment(Map<Uuid, Set<Integer>> partitions) {
        List<ShareGroupHeartbeatResponseData.TopicPartitions> topics = new ArrayList<>();
        partitions.forEach((topicId, set) -> topics.add(new ShareGroupHeartbeatResponseData.TopicPartitions()
                .setTopicId(topicId).setPartitions(new ArrayList<>(new TreeSet<>(set)))));
        return new ShareGroupHeartbeatResponseData.Assignment().setTopicPartitions(topics);
    }

    /** The partitions of topics that still exist (a deleted topic leaves the assignment at once). */
    private Map<Uuid, Set<Integer>> existingTopics(Map<Uuid, Set<Integer>> partitions) {
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        partitions.forEach((topicId, set) -> {
            if (catalog.byId(topicId) != null) {
                out.put(topicId, set);
            }
        });
        return out;
    }

    /** A hash of the ids and partition counts of the topics: a change bumps the group epoch (a new assignment). */
    private long metadataHash(Set<String> topics) {
        long hash = 17;
        for (String name : new TreeSet<>(topics)) {
            TopicCatalog.TopicInfo t = catalog.byName(name);
            hash = hash * 31 + name.hashCode();
            if (t != null) {
                hash = hash * 31 + t.id().hashCode();
                hash = hash * 31 + t.partitionCount();
            }
        }
        return hash;
    }

    /** A new target assignment for the group's epoch, by the simple assignor. */
    private void computeTarget(Changes<GroupRecord> changes, ShareGroup group) {
        Map<String, Set<Uuid>> subscriptions = new HashMap<>();
        Map<Uuid, Integer> partitionCounts = new HashMap<>();
        for (ShareGroupMember m : group.members.values()) {
            Set<Uuid> ids = new TreeSet<>();
            for (String name : m.subscription().topicNames()) {
                TopicCatalog.TopicInfo t = catalog.byName(name);
                if (t != null) {
                    ids.add(t.id());
                    partitionCounts.put(t.id(), t.partitionCount());
                }
            }
            subscriptions.put(m.memberId(), ids);
        }
        Map<String, Map<Uuid, Set<Integer>>> target = SimpleAssignor.assign(subscriptions, partitionCounts,
                group.targetAssignment);
        target.forEach((memberId, partitions) -> {
            if (!partitions.equals(group.targetAssignment.get(memberId))) {
                add(changes, group, new ShareGroupRecord.TargetMember(memberId, partitions));
            }
        });
        for (String gone : new ArrayList<>(group.targetAssignment.keySet())) {
            if (!target.containsKey(gone)) {
                add(changes, group, new ShareGroupRecord.TargetMember(gone, null));
            }
        }
        add(changes, group, new ShareGroupRecord.TargetEpoch(group.groupEpoch));
        log.info("Share group {}: new target assignment for epoch {} by the {} assignor", group.groupId(),
                group.groupEpoch, SimpleAssignor.NAME);
    }

    // ---------------------------------------------------------------- leaving, fencing, timers

    private ShareGroupHeartbeatResponseData leave(Changes<GroupRecord> changes, String groupId, String memberId) {
        ShareGroup group = shareGroup(groupId);
        ShareGroupMember member = group.members.get(memberId);
        if (member == null) {
            throw new UnknownMemberIdException("Member " + memberId + " is not a member of group " + groupId + ".");
        }
        log.info("Member {} left share group {}", memberId, groupId);
        fence(changes, group, member);
        return new ShareGroupHeartbeatResponseData().setMemberId(memberId).setMemberEpoch(LEAVE_GROUP_MEMBER_EPOCH);
    }

    /** The share group of that id; GROUP_ID_NOT_FOUND for an unknown group or a group of another type. */
    ShareGroup shareGroup(String groupId) {
        Group group = groups.get(groupId);
        if (group == null || group.isDead()) {
            throw new GroupIdNotFoundException("Group " + groupId + " not found.");
        }
        if (!(group instanceof ShareGroup share)) {
            throw new GroupIdNotFoundException("Group " + groupId + " is not a share group.");
        }
        return share;
    }

    /** Removes a member and bumps the group epoch so that the others get its partitions; tells the listener. */
    private void fence(Changes<GroupRecord> changes, ShareGroup group, ShareGroupMember member) {
        String memberId = member.memberId();
        cancelSession(group, memberId);
        add(changes, group, new ShareGroupRecord.Current(memberId, null));
        add(changes, group, new ShareGroupRecord.TargetMember(memberId, null));
        add(changes, group, new ShareGroupRecord.Subscription(memberId, null));
        int epoch = group.groupEpoch + 1;
        add(changes, group, new ShareGroupRecord.GroupEpoch(epoch, metadataHash(group.subscribedTopics())));
        if (group.members.isEmpty()) {
            add(changes, group, new ShareGroupRecord.TargetEpoch(epoch));
        }
        log.info("Share group {} moves to epoch {} (member {} left)", group.groupId(), epoch, memberId);
        String groupId = group.groupId();
        changes.afterDurable(() -> listener.memberLeft(groupId, memberId));
    }

    private void touchSession(ShareGroup group, String memberId) {
        int timeoutMs = config.sessionTimeoutMs(group.groupId());
        group.sessionDeadlinesMs.put(memberId, time.nowMs() + timeoutMs);
        if (!timer.isScheduled(timerKey(group, memberId))) {
            scheduleSessionCheck(group, memberId, timeoutMs);
        }
    }

    private void scheduleSessionCheck(ShareGroup group, String memberId, long delayMs) {
        schedule(group, memberId, delayMs, changes -> {
            Long deadline = group.sessionDeadlinesMs.get(memberId);
            ShareGroupMember member = group.members.get(memberId);
            if (deadline == null || member == null) {
                return;
            }
            long remainingMs = deadline - time.nowMs();
            if (remainingMs > 0) {
                scheduleSessionCheck(group, memberId, remainingMs);
                return;
            }
            log.info("Member {} of share group {} expired: no heartbeat within the session timeout of {} ms",
                    memberId, group.groupId(), config.sessionTimeoutMs(group.groupId()));
            fence(changes, group, member);
        });
    }

    /** A timer of the group, run as an operation of its own only while the group object is still the live one. */
    private void schedule(ShareGroup group, String memberId, long delayMs, Consumer<Changes<GroupRecord>> task) {
        timer.schedule(timerKey(group, memberId), delayMs, changes -> {
            if (groups.get(group.groupId()) == group && !group.isDead()) {
                task.accept(changes);
            }
        });
    }

    private void cancelSession(ShareGroup group, String memberId) {
        group.sessionDeadlinesMs.remove(memberId);
        timer.cancel(timerKey(group, memberId));
    }

    private static String timerKey(ShareGroup group, String memberId) {
        return "share/" + group.groupId() + "/session/" + memberId;
    }

    /** After loading: every member's session starts afresh. */
    public void startTimers(ShareGroup group) {
        for (String memberId : group.members.keySet()) {
            touchSession(group, memberId);
        }
    }

    // ---------------------------------------------------------------- admin

    /**
     * Deletes a group (DeleteGroups; the caller checked that it is empty): its tombstones are applied and its
     * timers stop; every member it still had is reported to the listener.
     */
    public void delete(Changes<GroupRecord> changes, ShareGroup group) {
        List<String> members = new ArrayList<>(group.members.keySet());
        members.forEach(m -> cancelSession(group, m));
        ShareGroupRecords.tombstones(group).forEach(r -> add(changes, group, r));
        String groupId = group.groupId();
        changes.afterDurable(() -> members.forEach(m -> listener.memberLeft(groupId, m)));
        log.info("Share group {} deleted", groupId);
    }

    /**
     * Before the share-partition state of a group is altered or deleted (AlterShareGroupOffsets,
     * DeleteShareGroupOffsets): the group must be a share group without members. A missing group is created
     * empty when {@code createIfMissing} (Kafka creates it on AlterShareGroupOffsets), else GROUP_ID_NOT_FOUND.
     */
    public ApiError prepareOffsetsChange(Changes<GroupRecord> changes, String groupId, boolean createIfMissing) {
        Group group = groups.get(groupId);
        if ((group == null || group.isDead()) && createIfMissing) {
            ShareGroup created = new ShareGroup(groupId);
            groups.put(groupId, created);
            add(changes, created, new ShareGroupRecord.GroupEpoch(0, metadataHash(Set.of())));
            add(changes, created, new ShareGroupRecord.TargetEpoch(0));
            log.info("Share group {} created empty to hold offsets set by an admin", groupId);
            return ApiError.NONE;
        }
        if (group == null || group.isDead()) {
            return new ApiError(Errors.GROUP_ID_NOT_FOUND, "Group " + groupId + " not found.");
        }
        if (!(group instanceof ShareGroup share)) {
            return new ApiError(Errors.GROUP_ID_NOT_FOUND, "Group " + groupId + " is not a share group.");
        }
        if (!share.isEmpty()) {
            return new ApiError(Errors.NON_EMPTY_GROUP, "Share group " + groupId + " has " + share.members.size()
                    + " member(s); its offsets can be changed only while it has none.");
        }
        return ApiError.NONE;
    }

    /** ShareGroupDescribe for one group id: the group, or GROUP_ID_NOT_FOUND with Kafka's message. */
    public ShareGroupDescribeResponseData.DescribedGroup describe(String groupId) {
        try {
            return ShareGroupDescriber.describe(shareGroup(groupId), catalog);
        } catch (GroupIdNotFoundException e) {
            return new ShareGroupDescribeResponseData.DescribedGroup().setGroupId(groupId)
                    .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage(e.getMessage());
        }
    }
}
