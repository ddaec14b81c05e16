package io.spillway.it.groups;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Committed offsets expire: after {@code offsets.retention.minutes} (here 1, the smallest value), or
 * after the retention time an OffsetCommit v2-v4 gave, unless their group is active and consumes that
 * topic; a group left with neither members nor offsets is deleted. The broker checks every
 * {@code offsets.retention.check.interval.ms} (here 500 ms). Against an external broker, configure it
 * with offsets.retention.minutes=1 and a short check interval.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OffsetRetentionTest {

    @RegisterExtension
    static final GroupBroker BROKER = GroupBroker.create()
            .set("offsets.retention.minutes", "1")
            .set("offsets.retention.check.interval.ms", "500");

    private static final long RETENTION_MS = 1500;
    private static final Duration EXPIRY_WAIT = Duration.ofSeconds(15);

    private GroupWire wire;

    @AfterEach
    void close() throws Exception {
        if (wire != null) {
            wire.close();
        }
    }

    @Test
    void offsetsCommittedWithARetentionTimeExpireAndAGroupLeftWithNothingIsDeleted() throws Exception {
        String topic = BROKER.createTopic("retention", 2);
        String mixed = GroupBroker.uniqueName("retention-mixed");
        String expiring = GroupBroker.uniqueName("retention-only");
        wire = new GroupWire(BROKER.host(), BROKER.port(), "retention-test");
        short v4 = wire.version(ApiKeys.OFFSET_COMMIT, 4);
        assertThat(v4).as("OffsetCommit v4, the last version with a retention time").isEqualTo((short) 4);

        long committedAt = System.nanoTime();
        assertThat(wire.commit(mixed, -1, "", null, topic, 0, 11, RETENTION_MS, v4)).isEqualTo(Errors.NONE);
        assertThat(wire.commit(mixed, -1, "", null, topic, 1, 12)).isEqualTo(Errors.NONE);
        assertThat(wire.commit(expiring, -1, "", null, topic, 0, 13, RETENTION_MS, v4)).isEqualTo(Errors.NONE);
        assertThat(fetch(mixed, topic)).containsExactly(11L, 12L);
        assertThat(fetch(expiring, topic)).containsExactly(13L, -1L);

        Await.until("offsets with a " + RETENTION_MS + " ms retention to expire", EXPIRY_WAIT,
                () -> fetch(mixed, topic).get(0) == -1 && fetch(expiring, topic).get(0) == -1,
                () -> fetch(mixed, topic) + " " + fetch(expiring, topic));
        assertThat(Duration.ofNanos(System.nanoTime() - committedAt)).as("an offset never expires before its retention time")
                .isGreaterThanOrEqualTo(Duration.ofMillis(RETENTION_MS));
        assertThat(fetch(mixed, topic)).as("the offset committed without a retention time stays").containsExactly(-1L, 12L);

        Await.until("the group left without offsets to be deleted", EXPIRY_WAIT, () -> !listed().containsKey(expiring));
        assertThat(listed()).as("a group that still has offsets").containsKey(mixed);
    }

    @Test
    void offsetsOfTopicsAStableGroupConsumesDoNotExpireUntilItIsEmpty() throws Exception {
        String consumed = BROKER.createTopic("retention-consumed", 1);
        String other = BROKER.createTopic("retention-other", 1);
        String group = GroupBroker.uniqueName("retention-active");
        wire = new GroupWire(BROKER.host(), BROKER.port(), "retention-test");
        short v4 = wire.version(ApiKeys.OFFSET_COMMIT, 4);
        JoinGroupResponseData j = wire.joinNew(group, consumed, "range");
        assertThat(Errors.forCode(j.errorCode())).isEqualTo(Errors.NONE);
        assertThat(Errors.forCode(wire.sync(group, j.generationId(), j.memberId(), null, "range",
                Map.of(j.memberId(), GroupWire.assignment(List.of(new TopicPartition(consumed, 0))))).errorCode())).isEqualTo(Errors.NONE);
        assertThat(wire.commit(group, j.generationId(), j.memberId(), null, consumed, 0, 21, RETENTION_MS, v4)).isEqualTo(Errors.NONE);
        assertThat(wire.commit(group, j.generationId(), j.memberId(), null, other, 0, 22, RETENTION_MS, v4)).isEqualTo(Errors.NONE);

        Await.until("the offset of the topic the group does not consume to expire", EXPIRY_WAIT, () -> {
            assertThat(wire.heartbeat(group, j.generationId(), j.memberId(), null)).isEqualTo(Errors.NONE);
            return fetch(group, other).get(0) == -1;
        });
        Thread.sleep(1000); // another retention pass or two
        assertThat(fetch(group, consumed).get(0)).as("offset of the topic the stable group consumes").isEqualTo(21);

        assertThat(Errors.forCode(wire.leave(group, singleMember(j.memberId())).errorCode())).isEqualTo(Errors.NONE);
        Await.until("the offset to expire once the group is empty", EXPIRY_WAIT, () -> fetch(group, consumed).get(0) == -1);
        Await.until("the empty group without offsets to be deleted", EXPIRY_WAIT, () -> !listed().containsKey(group));
    }

    @Test
    void offsetsExpireAfterOffsetsRetentionMinutesUnlessTheirGroupConsumesThem() throws Exception {
        String topic = BROKER.createTopic("retention-minutes", 1);
        String simple = GroupBroker.uniqueName("retention-simple");
        String active = GroupBroker.uniqueName("retention-consuming");
        TopicPartition p0 = new TopicPartition(topic, 0);
        BROKER.producer().send(new ProducerRecord<>(topic, 0, "k", "v")).get(30, TimeUnit.SECONDS);
        MemberThread member = new MemberThread("consuming", () -> BROKER.consumer(active, GroupProtocolCase.CLASSIC_EAGER_RANGE, Map.of()),
                List.of(topic), new Ledger(), true).start();
        try {
            long committedAt = System.nanoTime();
            BROKER.admin().alterConsumerGroupOffsets(simple, Map.of(p0, new OffsetAndMetadata(1)))
                    .all().get(30, TimeUnit.SECONDS);
            Await.until("the consuming group to commit", Duration.ofSeconds(30), () -> offsets(active).containsKey(p0));

            Await.until("the offsets of a group without members to expire after offsets.retention.minutes=1",
                    Duration.ofSeconds(90), () -> offsets(simple).isEmpty(), () -> offsets(simple).toString());
            Duration took = Duration.ofNanos(System.nanoTime() - committedAt);
            System.out.printf("[OffsetRetentionTest] offsets of an empty group expired %d ms after the commit%n", took.toMillis());
            assertThat(took).as("offsets expire no earlier than offsets.retention.minutes").isGreaterThanOrEqualTo(Duration.ofSeconds(59));
            assertThat(member.isRunning()).isTrue();
            assertThat(offsets(active)).as("offsets of a stable group for the topic it consumes never expire").containsKey(p0);
            Await.until("the group left without offsets to be deleted", EXPIRY_WAIT, () -> !listed().containsKey(simple));
            assertThat(listed()).containsKey(active);
        } finally {
            member.close();
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        BROKER.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .forEach((tp, om) -> {
                    if (om != null) {
                        out.put(tp, om);
                    }
                });
        return out;
    }

    private static Map<String, String> singleMember(String memberId) {
        Map<String, String> m = new HashMap<>();
        m.put(memberId, null);
        return m;
    }

    /** Committed offsets of partitions 0 and 1 of {@code topic} (-1 where none; a 1-partition topic gives 2 answers too). */
    private List<Long> fetch(String group, String topic) throws Exception {
        OffsetFetchRequestData data = new OffsetFetchRequestData().setGroups(List.of(
                new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group).setTopics(List.of(
                        new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(topic).setPartitionIndexes(List.of(0, 1))))))
                .setRequireStable(true);
        OffsetFetchResponseData r = wire.call(ApiKeys.OFFSET_FETCH, data, wire.version(ApiKeys.OFFSET_FETCH, 9));
        OffsetFetchResponseData.OffsetFetchResponseGroup g = r.groups().get(0);
        assertThat(Errors.forCode(g.errorCode())).isEqualTo(Errors.NONE);
        List<OffsetFetchResponseData.OffsetFetchResponsePartitions> ps = g.topics().get(0).partitions();
        ps.sort((a, b) -> Integer.compare(a.partitionIndex(), b.partitionIndex()));
        return ps.stream().map(p -> {
            Errors e = Errors.forCode(p.errorCode());
            if (e != Errors.NONE && e != Errors.UNKNOWN_TOPIC_OR_PARTITION) {
                throw new AssertionError("OffsetFetch error for " + topic + "-" + p.partitionIndex() + ": " + e);
            }
            return p.committedOffset();
        }).toList();
    }

    private static Map<String, GroupListing> listed() throws Exception {
        Collection<GroupListing> groups = BROKER.admin().listGroups(new ListGroupsOptions()).all().get(30, TimeUnit.SECONDS);
        return groups.stream().collect(Collectors.toMap(GroupListing::groupId, g -> g));
    }
}
