package io.spillway.http.rest;

import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Groups: list (every type, ListGroups), describe with members and per-partition committed offset, end offset and
 * lag (ConsumerGroupDescribe for consumer-protocol groups, else DescribeGroups; OffsetFetch; ListOffsets), delete
 * (DeleteGroups) and offset reset ({@link OffsetReset}). A group id in a path is everything after {@code /groups/}.
 */
final class GroupsResource {
    private final KafkaGateway kafka;
    private final OffsetReset reset;

    GroupsResource(KafkaGateway kafka) {
        this.kafka = kafka;
        this.reset = new OffsetReset(kafka, this);
    }

    void register(RestRoutes routes) {
        routes.add("GET", "/api/v1/groups", this::list)
                .add("POST", "/api/v1/groups/(.+)/reset-offsets", call -> reset.reset(call))
                .add("GET", "/api/v1/groups/(.+)", this::describe)
                .add("DELETE", "/api/v1/groups/(.+)", this::delete);
    }

    record GroupSummary(String groupId, String type, String protocolType, String state) {
    }

    record GroupList(List<GroupSummary> groups) {
    }

    record Member(String memberId, String instanceId, String clientId, String clientHost,
                  Map<String, List<Integer>> assignment) {
    }

    record PartitionLag(String topic, int partition, long committedOffset, Long endOffset, Long lag) {
    }

    record GroupDescription(String groupId, String type, String protocolType, String state, List<Member> members,
                            List<PartitionLag> offsets, long totalLag) {
    }

    /** A group's membership, before offsets. */
    record Membership(String groupId, String type, String protocolType, String state, List<Member> members) {
        boolean exists() {
            return !"Dead".equalsIgnoreCase(state);
        }
    }

    private CompletableFuture<Reply> list(RestCall call) {
        return kafka.<ListGroupsResponseData>call(call.caller(), new ListGroupsRequestData()).thenApply(response -> {
            KafkaErrors.check(response.errorCode(), null, "listing groups");
            List<GroupSummary> groups = new ArrayList<>();
            response.groups().forEach(g -> groups.add(new GroupSummary(g.groupId(), g.groupType(), g.protocolType(),
                    g.groupState())));
            groups.sort((a, b) -> a.groupId().compareTo(b.groupId()));
            return Reply.ok(new GroupList(groups));
        });
    }

    private CompletableFuture<Reply> describe(RestCall call) {
        String group = call.part(0);
        CompletableFuture<Membership> membership = membership(call.caller(), group);
        CompletableFuture<Map<TopicPartition, Long>> committed = GroupOffsets.committed(kafka, call.caller(), group);
        return membership.thenCombine(committed, (m, c) -> {
            if (!m.exists() && c.isEmpty()) {
                throw new RestException(404, Errors.GROUP_ID_NOT_FOUND.name(), "Group " + group + " does not exist");
            }
            return c;
        }).thenCompose(c -> {
            Map<String, List<Integer>> partitions = new TreeMap<>();
            c.keySet().forEach(tp -> partitions.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
            return TopicDescriptions.offsets(kafka, call.caller(), partitions, TopicDescriptions.LATEST,
                    TopicDescriptions.READ_UNCOMMITTED, false).thenApply(ends -> {
                        List<PartitionLag> offsets = new ArrayList<>();
                        long total = 0;
                        for (Map.Entry<TopicPartition, Long> e : c.entrySet()) {
                            Long end = ends.get(e.getKey());
                            Long lag = end == null ? null : Math.max(0, end - e.getValue());
                            total += lag == null ? 0 : lag;
                            offsets.add(new PartitionLag(e.getKey().topic(), e.getKey().partition(), e.getValue(), end,
                                    lag));
                        }
                        Membership m = membership.join();
                        return Reply.ok(new GroupDescription(group, m.type(), m.protocolType(), m.state(), m.members(),
                                offsets, total));
                    });
        });
    }

    /**
     * Who is in a group: ConsumerGroupDescribe first (consumer-protocol groups), DescribeGroups when the group is not
     * one (classic groups, or none: then the state is Dead).
     */
    CompletableFuture<Membership> membership(Caller caller, String group) {
        ConsumerGroupDescribeRequestData request = new ConsumerGroupDescribeRequestData().setGroupIds(List.of(group));
        return kafka.<ConsumerGroupDescribeResponseData>call(caller, request).thenCompose(response -> {
            for (ConsumerGroupDescribeResponseData.DescribedGroup g : response.groups()) {
                if (g.errorCode() == Errors.GROUP_AUTHORIZATION_FAILED.code()) {
                    KafkaErrors.check(g.errorCode(), g.errorMessage(), "group " + group);
                }
                if (g.errorCode() == 0) {
                    List<Member> members = new ArrayList<>();
                    g.members().forEach(m -> {
                        Map<String, List<Integer>> assignment = new TreeMap<>();
                        if (m.assignment() != null) {
                            m.assignment().topicPartitions().forEach(tp -> assignment.put(tp.topicName(),
                                    List.copyOf(tp.partitions())));
                        }
                        members.add(new Member(m.memberId(), m.instanceId(), m.clientId(), m.clientHost(), assignment));
                    });
                    return CompletableFuture.completedFuture(new Membership(group, "consumer", "consumer",
                            g.groupState(), members));
                }
            }
            return classic(caller, group);
        });
    }

    private CompletableFuture<Membership> classic(Caller caller, String group) {
        DescribeGroupsRequestData request = new DescribeGroupsRequestData().setGroups(List.of(group));
        return kafka.<DescribeGroupsResponseData>call(caller, request).thenApply(response -> {
            for (DescribeGroupsResponseData.DescribedGroup g : response.groups()) {
                if (g.errorCode() == Errors.GROUP_ID_NOT_FOUND.code()) {
                    return new Membership(group, "classic", "", "Dead", List.of());
                }
                KafkaErrors.check(g.errorCode(), g.errorMessage(), "group " + group);
                List<Member> members = new ArrayList<>();
                g.members().forEach(m -> members.add(new Member(m.memberId(), m.groupInstanceId(), m.clientId(),
                        m.clientHost(), "consumer".equals(g.protocolType()) ? assignment(m.memberAssignment())
                        : Map.of())));
                return new Membership(group, "classic", g.protocolType(), g.groupState(), members);
            }
            return new Membership(group, "classic", "", "Dead", List.of());
        });
    }

    /** A classic consumer member's assignment, decoded as the consumer wrote it (empty if it cannot be read). */
    static Map<String, List<Integer>> assignment(byte[] bytes) {
        Map<String, List<Integer>> out = new TreeMap<>();
        if (bytes == null || bytes.length == 0) {
            return out;
        }
        try {
            ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(bytes)).partitions()
                    .forEach(tp -> out.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        } catch (RuntimeException e) {
            out.clear(); // not the consumer protocol's format: show no assignment rather than fail the call
        }
        return out;
    }

    private CompletableFuture<Reply> delete(RestCall call) {
        String group = call.part(0);
        DeleteGroupsRequestData request = new DeleteGroupsRequestData().setGroupsNames(List.of(group));
        return kafka.<DeleteGroupsResponseData>call(call.caller(), request).thenApply(response -> {
            for (DeleteGroupsResponseData.DeletableGroupResult r : response.results()) {
                if (r.errorCode() == Errors.NON_EMPTY_GROUP.code()) {
                    throw new RestException(409, Errors.NON_EMPTY_GROUP.name(), "Group " + group
                            + " has active members; stop its consumers before deleting it");
                }
                KafkaErrors.check(r.errorCode(), r.errorMessage(), "group " + group);
            }
            return Reply.ok(Map.of("groupId", group, "deleted", true));
        });
    }
}
