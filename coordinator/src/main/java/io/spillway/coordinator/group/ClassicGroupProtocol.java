package io.spillway.coordinator.group;

import io.spillway.common.Time;
import io.spillway.coordinator.group.GroupCoordinator.Client;
import io.spillway.coordinator.group.GroupCoordinator.LeaveResult;
import io.spillway.coordinator.group.GroupCoordinator.Leaving;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) with Kafka's semantics:
 * member ids (MEMBER_ID_REQUIRED), generations, protocol selection, rebalance and session timeouts,
 * static membership (KIP-345). Generations and assignments are persisted as the classic group record;
 * a JoinGroup to an empty consumer-protocol group turns it into a classic group.
 *
 * <p>Thread safe: each group is guarded by its own monitor; nobody waits on a thread: joins and
 * syncs that must wait are futures completed by later requests or by timers on the shared scheduler.
 */
final class ClassicGroupProtocol {
    private static final Logger log = LoggerFactory.getLogger(ClassicGroupProtocol.class);

    private final ConcurrentHashMap<String, Group> groups;
    private final CoordinatorLog records;
    private final GroupConfig config;
    private final ConsumerGroupProtocol consumerProtocol;
    private final ScheduledExecutorService scheduler;
    private final Time time;

    ClassicGroupProtocol(ConcurrentHashMap<String, Group> groups, CoordinatorLog records, GroupConfig config,
                         ConsumerGroupProtocol consumerProtocol, ScheduledExecutorService scheduler, Time time) {
        this.groups = groups;
        this.records = records;
        this.config = config;
        this.consumerProtocol = consumerProtocol;
        this.scheduler = scheduler;
        this.time = time;
    }

    // ---------------------------------------------------------------- JoinGroup

    CompletableFuture<JoinGroupResponseData> joinGroup(Client client, JoinGroupRequestData request) {
        String groupId = request.groupId();
        if (groupId == null || groupId.isEmpty()) {
            return joinError(Errors.INVALID_GROUP_ID, request.memberId());
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return joinError(Errors.INVALID_SESSION_TIMEOUT, request.memberId());
        }
        List<ClassicMember.Protocol> protocols = new ArrayList<>();
        request.protocols().forEach(p -> protocols.add(new ClassicMember.Protocol(p.name(), p.metadata())));
        boolean unknownMember = request.memberId() == null || request.memberId().isEmpty();
        while (true) {
            Group found = unknownMember
                    ? groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, time.nowMs()))
                    : groups.get(groupId);
            if (found instanceof ConsumerGroup consumer) {
                synchronized (consumer) {
                    if (!consumer.isDead() && !consumer.isEmpty()) {
                        // Kafka with group.consumer.migration.policy=disabled: no classic members in a consumer group.
                        return joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, request.memberId());
                    }
                    if (!consumer.isDead()) {
                        convertToClassic(consumer);
                    }
                }
                continue;
            }
            ClassicGroup group = (ClassicGroup) found;
            if (group == null) {
                return joinError(Errors.UNKNOWN_MEMBER_ID, request.memberId());
            }
            synchronized (group) {
                if (group.state == GroupState.DEAD) {
                    continue; // deleted meanwhile; look again
                }
                if (!group.accepts(request.protocolType(), protocols)) {
                    return joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, request.memberId());
                }
                if (group.members.size() >= config.maxGroupSize() && unknownMember) {
                    return joinError(Errors.GROUP_MAX_SIZE_REACHED, request.memberId());
                }
                if (group.isEmpty()) {
                    group.protocolType = request.protocolType();
                }
                return unknownMember
                        ? joinNewMember(group, client, request, protocols)
                        : joinKnownMember(group, client, request, protocols);
            }
        }
    }

    /** Replaces an empty consumer-protocol group by a classic one with the same offsets. Caller holds its monitor. */
    private void convertToClassic(ConsumerGroup consumer) {
        List<CoordinatorLog.Entry> tombstones = consumerProtocol.delete(consumer);
        ClassicGroup classic = new ClassicGroup(consumer.groupId, time.nowMs());
        classic.offsets.putAll(consumer.offsets);
        groups.replace(consumer.groupId, consumer, classic);
        records.append(tombstones, time.nowMs());
        log.info("Group {} changes from the consumer to the classic protocol (it was empty)", consumer.groupId);
    }

    /** The classic group of that id, or null if there is none (or the id is a consumer-protocol group). */
    private ClassicGroup classicGroup(String groupId) {
        return groups.get(groupId) instanceof ClassicGroup classic ? classic : null;
    }

    private CompletableFuture<JoinGroupResponseData> joinNewMember(ClassicGroup group, Client client,
                                                                   JoinGroupRequestData request,
                                                                   List<ClassicMember.Protocol> protocols) {
        String instanceId = request.groupInstanceId();
        if (instanceId != null) {
            String newId = instanceId + "-" + UUID.randomUUID();
            String existing = group.staticMembers.get(instanceId);
            if (existing != null) {
                return replaceStaticMember(group, group.member(existing), newId, client, request, protocols);
            }
            return addMemberAndRebalance(group, new ClassicMember(newId, instanceId, client.clientId(), client.clientHost(),
                    request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), protocols));
        }
        String newId = client.clientId() + "-" + UUID.randomUUID();
        if (client.apiVersion() >= 4) {
            // KIP-394: hand out the id first, so a client that never comes back leaves no member behind.
            group.pendingMemberIds.put(newId, time.nowMs());
            scheduler.schedule(() -> expirePendingMember(group, newId), request.sessionTimeoutMs(), TimeUnit.MILLISECONDS);
            return joinError(Errors.MEMBER_ID_REQUIRED, newId);
        }
        return addMemberAndRebalance(group, new ClassicMember(newId, null, client.clientId(), client.clientHost(),
                request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), protocols));
    }

    private CompletableFuture<JoinGroupResponseData> joinKnownMember(ClassicGroup group, Client client,
                                                                     JoinGroupRequestData request,
                                                                     List<ClassicMember.Protocol> protocols) {
        String memberId = request.memberId();
        String instanceId = request.groupInstanceId();
        if (group.pendingMemberIds.remove(memberId) != null) {
            return addMemberAndRebalance(group, new ClassicMember(memberId, instanceId, client.clientId(),
                    client.clientHost(), request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), protocols));
        }
        Errors fenced = checkMember(group, memberId, instanceId);
        if (fenced != Errors.NONE) {
            return joinError(fenced, memberId);
        }
        ClassicMember member = group.member(memberId);
        switch (group.state) {
            case PREPARING_REBALANCE:
                return updateMemberAndRebalance(group, member, request, protocols);
            case COMPLETING_REBALANCE:
                if (member.sameProtocols(protocols)) {
                    return CompletableFuture.completedFuture(joinResponse(group, member));
                }
                return updateMemberAndRebalance(group, member, request, protocols);
            case STABLE:
                if (memberId.equals(group.leaderId) || !member.sameProtocols(protocols)) {
                    return updateMemberAndRebalance(group, member, request, protocols);
                }
                return CompletableFuture.completedFuture(joinResponse(group, member));
            default:
                return joinError(Errors.UNKNOWN_MEMBER_ID, memberId);
        }
    }

    /** UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID if the member id / instance id pair is not current. */
    static Errors checkMember(ClassicGroup group, String memberId, String instanceId) {
        if (instanceId != null) {
            String current = group.staticMembers.get(instanceId);
            if (current == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!current.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        return group.member(memberId) == null ? Errors.UNKNOWN_MEMBER_ID : Errors.NONE;
    }

    private CompletableFuture<JoinGroupResponseData> replaceStaticMember(ClassicGroup group, ClassicMember old, String newId,
                                                                         Client client, JoinGroupRequestData request,
                                                                         List<ClassicMember.Protocol> protocols) {
        boolean wasLeader = old.memberId.equals(group.leaderId);
        String oldId = old.memberId;
        if (old.pendingJoin != null) {
            old.pendingJoin.complete(errorJoinResponse(Errors.FENCED_INSTANCE_ID, oldId));
            old.pendingJoin = null;
        }
        if (old.pendingSync != null) {
            old.pendingSync.complete(new SyncGroupResponseData().setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
            old.pendingSync = null;
        }
        group.members.remove(oldId);
        old.memberId = newId;
        old.clientId = client.clientId();
        old.clientHost = client.clientHost();
        old.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        old.sessionTimeoutMs = request.sessionTimeoutMs();
        group.members.put(newId, old);
        group.staticMembers.put(old.groupInstanceId, newId);
        if (wasLeader) {
            group.leaderId = newId;
        }
        if (group.state == GroupState.STABLE && group.protocolName != null
                && selectedProtocolWith(group, old, protocols).equals(group.protocolName)) {
            // KIP-345: a static member that restarts keeps its assignment; no rebalance unless the protocol
            // the group would select changes (its subscription bytes may differ: owned partitions, generation).
            old.protocols = protocols;
            scheduleSessionExpiry(group, old);
            CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
            persistGroup(group).whenComplete((ok, error) -> {
                if (error != null) {
                    response.complete(errorJoinResponse(Errors.UNKNOWN_SERVER_ERROR, newId));
                } else {
                    JoinGroupResponseData r = joinResponse(group, old);
                    r.setSkipAssignment(wasLeader && client.apiVersion() >= 9);
                    response.complete(r);
                }
            });
            return response;
        }
        return updateMemberAndRebalance(group, old, request, protocols);
    }

    /** The protocol the group would select if {@code member} supported {@code protocols}. */
    private static String selectedProtocolWith(ClassicGroup group, ClassicMember member, List<ClassicMember.Protocol> protocols) {
        List<ClassicMember.Protocol> before = member.protocols;
        member.protocols = protocols;
        try {
            return group.selectProtocol();
        } catch (IndexOutOfBoundsException noCommonProtocol) {
            return "";
        } finally {
            member.protocols = before;
        }
    }

    private CompletableFuture<JoinGroupResponseData> addMemberAndRebalance(ClassicGroup group, ClassicMember member) {
        member.pendingJoin = new CompletableFuture<>();
        member.joinedThisRebalance = true;
        group.add(member);
        CompletableFuture<JoinGroupResponseData> future = member.pendingJoin;
        if (group.state == GroupState.PREPARING_REBALANCE) {
            if (group.initialDelayActive) {
                extendInitialDelay(group);
            }
            maybeCompleteJoin(group);
        } else {
            prepareRebalance(group, "member " + member.memberId + " joined");
        }
        return future;
    }

    private CompletableFuture<JoinGroupResponseData> updateMemberAndRebalance(ClassicGroup group, ClassicMember member,
                                                                            JoinGroupRequestData request,
                                                                            List<ClassicMember.Protocol> protocols) {
        member.protocols = protocols;
        member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        member.sessionTimeoutMs = request.sessionTimeoutMs();
        if (member.pendingJoin != null) {
            // A duplicate join replaces the earlier one, which is answered as Kafka does.
            member.pendingJoin.complete(errorJoinResponse(Errors.UNKNOWN_MEMBER_ID, member.memberId));
        }
        member.pendingJoin = new CompletableFuture<>();
        member.joinedThisRebalance = true;
        CompletableFuture<JoinGroupResponseData> future = member.pendingJoin;
        if (group.state == GroupState.PREPARING_REBALANCE) {
            maybeCompleteJoin(group);
        } else {
            prepareRebalance(group, "member " + member.memberId + " rejoined");
        }
        return future;
    }

    private void prepareRebalance(ClassicGroup group, String reason) {
        long nowMs = time.nowMs();
        if (group.state == GroupState.COMPLETING_REBALANCE) {
            failPendingSyncs(group, Errors.REBALANCE_IN_PROGRESS);
        }
        cancel(group.syncDeadline);
        boolean initial = group.state == GroupState.EMPTY;
        group.transitionTo(GroupState.PREPARING_REBALANCE, nowMs);
        for (ClassicMember m : group.members.values()) {
            m.joinedThisRebalance = m.pendingJoin != null;
        }
        cancel(group.joinDeadline);
        if (initial && config.initialRebalanceDelayMs() > 0) {
            group.initialDelayActive = true;
            group.initialDelayLimitMs = nowMs + group.maxRebalanceTimeoutMs();
            group.joinDeadline = schedule(group, () -> onJoinDeadline(group),
                    Math.min(config.initialRebalanceDelayMs(), group.maxRebalanceTimeoutMs()));
        } else {
            group.initialDelayActive = false;
            group.joinDeadline = schedule(group, () -> onJoinDeadline(group), group.maxRebalanceTimeoutMs());
        }
        log.debug("Group {} is rebalancing at generation {}: {}", group.groupId, group.generation, reason);
        maybeCompleteJoin(group);
    }

    private void extendInitialDelay(ClassicGroup group) {
        long remainingMs = group.initialDelayLimitMs - time.nowMs();
        if (remainingMs <= 0) {
            return;
        }
        cancel(group.joinDeadline);
        group.joinDeadline = schedule(group, () -> onJoinDeadline(group),
                Math.min(config.initialRebalanceDelayMs(), remainingMs));
    }

    private void onJoinDeadline(ClassicGroup group) {
        if (group.state == GroupState.PREPARING_REBALANCE) {
            group.initialDelayActive = false;
            completeJoin(group);
        }
    }

    private void maybeCompleteJoin(ClassicGroup group) {
        if (group.state == GroupState.PREPARING_REBALANCE && !group.initialDelayActive && group.allMembersJoined()) {
            completeJoin(group);
        }
    }

    private void completeJoin(ClassicGroup group) {
        long nowMs = time.nowMs();
        cancel(group.joinDeadline);
        group.pendingMemberIds.clear();
        for (ClassicMember m : new ArrayList<>(group.members.values())) {
            if (!m.joinedThisRebalance) {
                log.info("Removing member {} of group {}: it did not rejoin within the rebalance timeout",
                        m.memberId, group.groupId);
                group.remove(m);
            }
        }
        group.generation++;
        if (group.isEmpty()) {
            group.protocolName = null;
            group.leaderId = null;
            group.transitionTo(GroupState.EMPTY, nowMs);
            persistGroup(group);
            return;
        }
        group.protocolName = group.selectProtocol();
        if (group.leaderId == null || group.member(group.leaderId) == null) {
            group.leaderId = group.members.keySet().iterator().next();
        }
        group.transitionTo(GroupState.COMPLETING_REBALANCE, nowMs);
        for (ClassicMember m : group.members.values()) {
            m.joinedThisRebalance = false;
            CompletableFuture<JoinGroupResponseData> pending = m.pendingJoin;
            m.pendingJoin = null;
            scheduleSessionExpiry(group, m);
            if (pending != null) {
                pending.complete(joinResponse(group, m));
            }
        }
        int generation = group.generation;
        group.syncDeadline = schedule(group, () -> onSyncDeadline(group, generation), group.maxRebalanceTimeoutMs());
        log.info("Group {} formed generation {} with {} members (protocol {})", group.groupId, generation,
                group.members.size(), group.protocolName);
    }

    private JoinGroupResponseData joinResponse(ClassicGroup group, ClassicMember member) {
        JoinGroupResponseData response = new JoinGroupResponseData()
                .setGenerationId(group.generation)
                .setProtocolType(group.protocolType)
                .setProtocolName(group.protocolName)
                .setLeader(group.leaderId)
                .setMemberId(member.memberId);
        if (member.memberId.equals(group.leaderId)) {
            List<JoinGroupResponseData.JoinGroupResponseMember> all = new ArrayList<>();
            for (ClassicMember m : group.members.values()) {
                all.add(new JoinGroupResponseData.JoinGroupResponseMember().setMemberId(m.memberId)
                        .setGroupInstanceId(m.groupInstanceId).setMetadata(m.metadata(group.protocolName)));
            }
            response.setMembers(all);
        }
        return response;
    }

    private static CompletableFuture<JoinGroupResponseData> joinError(Errors error, String memberId) {
        return CompletableFuture.completedFuture(errorJoinResponse(error, memberId));
    }

    private static JoinGroupResponseData errorJoinResponse(Errors error, String memberId) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setGenerationId(-1)
                .setMemberId(memberId == null ? "" : memberId).setLeader("").setProtocolName(null);
    }

    private void expirePendingMember(ClassicGroup group, String memberId) {
        synchronized (group) {
            if (group.pendingMemberIds.remove(memberId) != null) {
                maybeCompleteJoin(group);
            }
        }
    }

    // ---------------------------------------------------------------- SyncGroup

    CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        ClassicGroup group = classicGroup(request.groupId());
        if (group == null) {
            return syncError(Errors.UNKNOWN_MEMBER_ID);
        }
        synchronized (group) {
            Errors error = checkMember(group, request.memberId(), request.groupInstanceId());
            if (error != Errors.NONE) {
                return syncError(error);
            }
            if (request.generationId() != group.generation) {
                return syncError(Errors.ILLEGAL_GENERATION);
            }
            if ((request.protocolType() != null && !request.protocolType().equals(group.protocolType))
                    || (request.protocolName() != null && !request.protocolName().equals(group.protocolName))) {
                return syncError(Errors.INCONSISTENT_GROUP_PROTOCOL);
            }
            ClassicMember member = group.member(request.memberId());
            switch (group.state) {
                case PREPARING_REBALANCE:
                    return syncError(Errors.REBALANCE_IN_PROGRESS);
                case COMPLETING_REBALANCE: {
                    member.pendingSync = new CompletableFuture<>();
                    CompletableFuture<SyncGroupResponseData> future = member.pendingSync;
                    if (member.memberId.equals(group.leaderId)) {
                        applyLeaderAssignment(group, request);
                    }
                    return future;
                }
                case STABLE:
                    scheduleSessionExpiry(group, member);
                    return CompletableFuture.completedFuture(syncResponse(group, member.assignment));
                default:
                    return syncError(Errors.UNKNOWN_MEMBER_ID);
            }
        }
    }

    private void applyLeaderAssignment(ClassicGroup group, SyncGroupRequestData request) {
        Map<String, byte[]> assignments = new HashMap<>();
        request.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
        for (ClassicMember m : group.members.values()) {
            m.assignment = assignments.getOrDefault(m.memberId, new byte[0]);
        }
        int generation = group.generation;
        persistGroup(group).whenComplete((ok, error) -> {
            synchronized (group) {
                if (group.state != GroupState.COMPLETING_REBALANCE || group.generation != generation) {
                    return;
                }
                if (error != null) {
                    log.warn("Could not store the assignment of group {}: {}; the group rebalances", group.groupId,
                            error.getMessage());
                    failPendingSyncs(group, Errors.COORDINATOR_NOT_AVAILABLE);
                    prepareRebalance(group, "storing the assignment failed");
                    return;
                }
                cancel(group.syncDeadline);
                group.transitionTo(GroupState.STABLE, time.nowMs());
                for (ClassicMember m : group.members.values()) {
                    if (m.pendingSync != null) {
                        m.pendingSync.complete(syncResponse(group, m.assignment));
                        m.pendingSync = null;
                    }
                    scheduleSessionExpiry(group, m);
                }
            }
        });
    }

    private void onSyncDeadline(ClassicGroup group, int generation) {
        if (group.state != GroupState.COMPLETING_REBALANCE || group.generation != generation) {
            return;
        }
        for (ClassicMember m : new ArrayList<>(group.members.values())) {
            if (m.pendingSync == null) {
                log.info("Removing member {} of group {}: it did not sync within the rebalance timeout",
                        m.memberId, group.groupId);
                group.remove(m);
            }
        }
        prepareRebalance(group, "members did not sync in time");
    }

    private static void failPendingSyncs(ClassicGroup group, Errors error) {
        for (ClassicMember m : group.members.values()) {
            if (m.pendingSync != null) {
                m.pendingSync.complete(new SyncGroupResponseData().setErrorCode(error.code()));
                m.pendingSync = null;
            }
        }
    }

    private static SyncGroupResponseData syncResponse(ClassicGroup group, byte[] assignment) {
        return new SyncGroupResponseData().setProtocolType(group.protocolType).setProtocolName(group.protocolName)
                .setAssignment(assignment);
    }

    private static CompletableFuture<SyncGroupResponseData> syncError(Errors error) {
        return CompletableFuture.completedFuture(new SyncGroupResponseData().setErrorCode(error.code()));
    }

    // ---------------------------------------------------------------- Heartbeat and LeaveGroup

    Errors heartbeat(HeartbeatRequestData request) {
        ClassicGroup group = classicGroup(request.groupId());
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        synchronized (group) {
            Errors error = checkMember(group, request.memberId(), request.groupInstanceId());
            if (error != Errors.NONE) {
                return error;
            }
            if (request.generationId() != group.generation) {
                return Errors.ILLEGAL_GENERATION;
            }
            ClassicMember member = group.member(request.memberId());
            switch (group.state) {
                case PREPARING_REBALANCE:
                    scheduleSessionExpiry(group, member);
                    return Errors.REBALANCE_IN_PROGRESS;
                case COMPLETING_REBALANCE:
                case STABLE:
                    scheduleSessionExpiry(group, member);
                    return Errors.NONE;
                default:
                    return Errors.UNKNOWN_MEMBER_ID;
            }
        }
    }

    /**
     * Removes members from a group.
     *
     * @return the group-level error (UNKNOWN_MEMBER_ID for an unknown group) and one error per member
     */
    LeaveResult leaveGroup(String groupId, List<Leaving> leaving) {
        ClassicGroup group = classicGroup(groupId);
        if (group == null) {
            return new LeaveResult(Errors.UNKNOWN_MEMBER_ID, List.of());
        }
        List<Errors> results = new ArrayList<>();
        synchronized (group) {
            boolean removedAny = false;
            for (Leaving l : leaving) {
                String memberId = l.memberId();
                if (l.groupInstanceId() != null) {
                    String current = group.staticMembers.get(l.groupInstanceId());
                    if (current == null) {
                        results.add(Errors.UNKNOWN_MEMBER_ID);
                        continue;
                    }
                    if (memberId != null && !memberId.isEmpty() && !memberId.equals(current)) {
                        results.add(Errors.FENCED_INSTANCE_ID);
                        continue;
                    }
                    memberId = current;
                }
                if (group.pendingMemberIds.remove(memberId) != null) {
                    results.add(Errors.NONE);
                    continue;
                }
                ClassicMember member = group.member(memberId);
                if (member == null) {
                    results.add(Errors.UNKNOWN_MEMBER_ID);
                    continue;
                }
                removeMember(group, member, "left the group");
                removedAny = true;
                results.add(Errors.NONE);
            }
            if (removedAny) {
                afterMemberRemoved(group);
            }
        }
        return new LeaveResult(Errors.NONE, results);
    }

    private void removeMember(ClassicGroup group, ClassicMember member, String why) {
        if (member.pendingJoin != null) {
            member.pendingJoin.complete(errorJoinResponse(Errors.UNKNOWN_MEMBER_ID, member.memberId));
            member.pendingJoin = null;
        }
        if (member.pendingSync != null) {
            member.pendingSync.complete(new SyncGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
            member.pendingSync = null;
        }
        group.remove(member);
        log.info("Member {} of group {} {}", member.memberId, group.groupId, why);
    }

    private void afterMemberRemoved(ClassicGroup group) {
        switch (group.state) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, "a member left");
            case PREPARING_REBALANCE -> {
                if (group.isEmpty()) {
                    completeJoin(group);
                } else {
                    maybeCompleteJoin(group);
                }
            }
            default -> {
            }
        }
    }

    void scheduleSessionExpiry(ClassicGroup group, ClassicMember member) {
        cancel(member.sessionExpiry);
        String memberId = member.memberId;
        member.sessionExpiry = schedule(group, () -> {
            ClassicMember current = group.member(memberId);
            if (current != member) {
                return;
            }
            if (member.pendingJoin != null || member.pendingSync != null) {
                scheduleSessionExpiry(group, member); // waiting in a rebalance keeps a member alive
                return;
            }
            removeMember(group, member, "expired: no heartbeat within its session timeout of "
                    + member.sessionTimeoutMs + " ms");
            afterMemberRemoved(group);
        }, member.sessionTimeoutMs);
    }

    private java.util.concurrent.ScheduledFuture<?> schedule(ClassicGroup group, Runnable task, long delayMs) {
        return scheduler.schedule(() -> {
            try {
                synchronized (group) {
                    task.run();
                }
            } catch (RuntimeException e) {
                log.error("Timer of group {} failed", group.groupId, e);
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    private static void cancel(java.util.concurrent.ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    private CompletableFuture<Void> persistGroup(ClassicGroup group) {
        return records.append(List.of(new CoordinatorLog.Entry(GroupRecords.groupKey(group.groupId),
                GroupRecords.groupValue(group))), time.nowMs());
    }
}
