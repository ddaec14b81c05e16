package io.spillway.http.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /api/v1/groups/{id}/reset-offsets}: what {@code kafka-consumer-groups.sh --reset-offsets} does, for one
 * topic: refuses a group with active members (409 NON_EMPTY_GROUP: their next commit would undo the reset), resolves
 * the target offsets with ListOffsets ({@code earliest}, {@code latest}, or a given {@code offset}, clamped into the
 * partition's range as the tool does), and commits them with OffsetCommit as an admin (no generation, no member),
 * unless {@code dryRun}. Body: {@code {"topic": "t", "to": "earliest|latest|offset", "offset": 42,
 * "partitions": [0, 1], "dryRun": false}}.
 */
final class OffsetReset {
    private final KafkaGateway kafka;
    private final GroupsResource groups;

    OffsetReset(KafkaGateway kafka, GroupsResource groups) {
        this.kafka = kafka;
        this.groups = groups;
    }

    record PartitionReset(int partition, Long previousOffset, long newOffset) {
    }

    record ResetResult(String groupId, String topic, boolean dryRun, List<PartitionReset> partitions) {
    }

    CompletableFuture<Reply> reset(RestCall call) {
        String group = call.part(0);
        ObjectNode body = call.body();
        String topic = JsonBodies.text(body, "topic");
        if (topic == null) {
            throw RestException.badRequest("Resetting offsets needs the 'topic'");
        }
        String to = JsonBodies.text(body, "to");
        String mode = to == null ? "" : to.toLowerCase(Locale.ROOT);
        if (!List.of("earliest", "latest", "offset").contains(mode)) {
            throw RestException.badRequest("'to' must be earliest, latest or offset");
        }
        long offset = JsonBodies.integer(body, "offset", -1, 0, Long.MAX_VALUE);
        if (mode.equals("offset") && offset < 0) {
            throw RestException.badRequest("'to': 'offset' needs the 'offset' to reset to");
        }
        boolean dryRun = JsonBodies.flag(body, "dryRun");
        List<Integer> only = partitions(body.get("partitions"));
        return groups.membership(call.caller(), group).thenCompose(membership -> {
            if (!membership.members().isEmpty()) {
                throw new RestException(409, Errors.NON_EMPTY_GROUP.name(), "Group " + group + " has "
                        + membership.members().size() + " active member(s) (state " + membership.state()
                        + "); offsets can be reset only while it has none: stop its consumers first");
            }
            return TopicDescriptions.describe(kafka, call.caller(), topic);
        }).thenCompose(info -> {
            TreeSet<Integer> partitions = new TreeSet<>(info.leaders().keySet());
            if (only != null) {
                for (int p : only) {
                    if (!partitions.contains(p)) {
                        throw new RestException(404, Errors.UNKNOWN_TOPIC_OR_PARTITION.name(), "Topic " + topic
                                + " has no partition " + p);
                    }
                }
                partitions.retainAll(only);
            }
            Map<String, TreeSet<Integer>> asked = Map.of(topic, partitions);
            var starts = TopicDescriptions.offsets(kafka, call.caller(), asked, TopicDescriptions.EARLIEST,
                    TopicDescriptions.READ_UNCOMMITTED, true);
            var ends = TopicDescriptions.offsets(kafka, call.caller(), asked, TopicDescriptions.LATEST,
                    TopicDescriptions.READ_UNCOMMITTED, true);
            var previous = GroupOffsets.committed(kafka, call.caller(), group);
            return CompletableFuture.allOf(starts, ends, previous).thenCompose(ignored -> {
                List<PartitionReset> resets = new ArrayList<>();
                for (int p : partitions) {
                    TopicPartition tp = new TopicPartition(topic, p);
                    long start = starts.join().get(tp);
                    long end = ends.join().get(tp);
                    long target = switch (mode) {
                        case "earliest" -> start;
                        case "latest" -> end;
                        default -> Math.max(start, Math.min(end, offset));
                    };
                    resets.add(new PartitionReset(p, previous.join().get(tp), target));
                }
                ResetResult result = new ResetResult(group, topic, dryRun, resets);
                if (dryRun) {
                    return CompletableFuture.completedFuture(Reply.ok(result));
                }
                return commit(call.caller(), group, info, resets).thenApply(done -> Reply.ok(result));
            });
        });
    }

    private CompletableFuture<Void> commit(Caller caller, String group, TopicDescriptions.TopicInfo topic,
                                           List<PartitionReset> resets) {
        List<OffsetCommitRequestData.OffsetCommitRequestPartition> partitions = new ArrayList<>();
        resets.forEach(r -> partitions.add(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                .setPartitionIndex(r.partition()).setCommittedOffset(r.newOffset()).setCommittedLeaderEpoch(-1)
                .setCommittedMetadata("")));
        OffsetCommitRequestData request = new OffsetCommitRequestData().setGroupId(group)
                .setGenerationIdOrMemberEpoch(-1).setMemberId("").setGroupInstanceId(null)
                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(topic.name())
                        .setTopicId(topic.id()).setPartitions(partitions)));
        return kafka.<OffsetCommitResponseData>call(caller, request).thenAccept(response -> {
            for (OffsetCommitResponseData.OffsetCommitResponseTopic t : response.topics()) {
                for (OffsetCommitResponseData.OffsetCommitResponsePartition p : t.partitions()) {
                    if (p.errorCode() == Errors.UNKNOWN_MEMBER_ID.code()
                            || p.errorCode() == Errors.ILLEGAL_GENERATION.code()) {
                        throw new RestException(409, Errors.NON_EMPTY_GROUP.name(), "Group " + group
                                + " got members while its offsets were reset; stop its consumers and try again");
                    }
                    KafkaErrors.check(p.errorCode(), null, "partition " + p.partitionIndex() + " of " + topic.name());
                }
            }
        });
    }

    private static List<Integer> partitions(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw RestException.badRequest("'partitions' must be an array of partition numbers");
        }
        List<Integer> out = new ArrayList<>();
        node.forEach(n -> {
            if (!n.isInt() || n.intValue() < 0) {
                throw RestException.badRequest("'partitions' must be an array of partition numbers");
            }
            out.add(n.intValue());
        });
        return out;
    }
}
