package io.spillway.it.groups;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.it.groups.Ledger.Delivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Three kafka-clients consumers share a 12-partition topic that a producer keeps writing to, while the
 * group changes under them: members join one by one, one leaves cleanly, one crashes (stops without
 * committing its last poll and without a LeaveGroup) and must be expired by the session timeout. Every
 * member commits synchronously after processing each poll.
 *
 * <p>What must hold, per record: it was delivered at least once; its last delivery was committed; every
 * earlier delivery was not (a record is delivered again only if the delivery before was never
 * committed: the crashed member's last poll, or a commit refused during a rebalance). Finally the
 * group's committed offsets equal the log end offsets.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class GroupConsumptionTest {

    @RegisterExtension
    static final GroupBroker BROKER = GroupBroker.create();

    private static final int PARTITIONS = 12;
    private static final Duration STABLE_TIMEOUT = Duration.ofSeconds(30);

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = GroupProtocolCase.class, names = {"CLASSIC_EAGER_RANGE", "CLASSIC_COOPERATIVE_STICKY", "CONSUMER_UNIFORM"})
    void everyRecordIsConsumedOnceWhileMembersJoinLeaveAndCrash(GroupProtocolCase protocol) throws Exception {
        String topic = BROKER.createTopic("consume-" + protocol.name().toLowerCase(), PARTITIONS);
        String group = GroupBroker.uniqueName("consume-" + protocol.name().toLowerCase());
        Ledger ledger = new Ledger();
        List<Member> all = new ArrayList<>();
        NumberedProducer producer = new NumberedProducer(BROKER.producer(Map.of()), topic, PARTITIONS, 4).start();
        try {
            Member a = member("a", group, topic, protocol, ledger, all);
            Duration one = awaitStable("a alone", List.of(a));
            Member b = new ChildMember("b", topic, BROKER.consumerConfig(group, protocol), ledger);
            all.add(b);
            Duration two = awaitStable("a and b (b in a child JVM)", List.of(a, b));
            Member c = member("c", group, topic, protocol, ledger, all);
            Duration three = awaitStable("a, b and c", List.of(a, b, c));
            log(protocol, "stable after joins: 1 member %d ms, 2 members %d ms (incl. the child JVM's start), 3 members %d ms",
                    one.toMillis(), two.toMillis(), three.toMillis());
            for (Member m : List.of(a, b, c)) {
                assertThat(m.assignment()).as("partitions of %s with 3 members", m.name()).hasSize(PARTITIONS / 3);
            }
            assertDescribedAsMembersSeeIt(group, protocol, List.of(a, b, c));

            a.leave();
            Duration afterLeave = awaitStable("b and c after a left", List.of(b, c));

            long crashNs = System.nanoTime();
            b.crash();
            assertThat(b.crashPollRecords()).as("records b polled but never committed before crashing").isPositive();
            awaitStable("c alone after b crashed", List.of(c));
            Duration detection = Duration.ofNanos(System.nanoTime() - crashNs);
            log(protocol, "stable %d ms after a clean leave; %d ms after a crash (session timeout %d ms)",
                    afterLeave.toMillis(), detection.toMillis(), GroupBroker.SESSION_TIMEOUT_MS);
            assertThat(detection.toMillis())
                    .as("a crashed member (no LeaveGroup) keeps its partitions until its session times out")
                    .isGreaterThanOrEqualTo(GroupBroker.SESSION_TIMEOUT_MS / 2);

            producer.stopAndFlush();
            assertThat(producer.failed()).as("failed sends").isZero();
            assertThat(producer.ackedCount()).as("acknowledged records").isEqualTo(producer.sent());
            Map<TopicPartition, Long> ends = endOffsets(topic);
            Await.until("c to commit every partition's end offset", Duration.ofSeconds(30),
                    () -> committed(group).equals(ends), () -> "committed " + committed(group) + " ends " + ends);
            c.leave();

            verifyLedger(protocol, producer, ledger, all);
            assertThat(committed(group)).as("committed offsets after everyone left").isEqualTo(ends);
        } finally {
            producer.close();
            for (Member m : all) {
                m.close();
            }
        }
    }

    /** Throughput of synchronous commits by one member over 12 partitions, for the record (asserts only progress). */
    @Test
    void commitSyncThroughputOfOneMember() throws Exception {
        String topic = BROKER.createTopic("commit-rate", PARTITIONS);
        String group = GroupBroker.uniqueName("commit-rate");
        KafkaConsumer<String, String> consumer =
                BROKER.consumer(group, GroupProtocolCase.CLASSIC_EAGER_RANGE, Map.of());
        List<TopicPartition> tps = partitions(topic);
        consumer.assign(tps);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long n = 0;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            n++;
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition tp : tps) {
                offsets.put(tp, new OffsetAndMetadata(n));
            }
            consumer.commitSync(offsets);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long total = n;
        System.out.printf("[GroupConsumptionTest] commitSync of %d partitions: %.0f commits/s, %.0f partition offsets/s%n",
                PARTITIONS, total / seconds, total * PARTITIONS / seconds);
        assertThat(consumer.committed(Set.copyOf(tps)).values()).allSatisfy(o -> assertThat(o.offset()).isEqualTo(total));
        consumer.close();
    }

    private static Member member(String name, String group, String topic, GroupProtocolCase protocol,
                                 Ledger ledger, List<Member> all) {
        MemberThread m = new MemberThread(name, () -> BROKER.consumer(group, protocol, Map.of()), List.of(topic), ledger, true);
        all.add(m);
        return m.start();
    }

    /**
     * Waits until the members' own views of their assignments are disjoint, cover all partitions, are
     * balanced (sizes differ by at most one, none empty) and stay so for 500 ms of polling.
     */
    private static Duration awaitStable(String what, List<Member> members) throws InterruptedException {
        long start = System.nanoTime();
        long[] stableSince = {0};
        long[] pollsAt = new long[members.size()];
        Await.until("a stable assignment of " + what, STABLE_TIMEOUT, () -> {
            for (Member m : members) {
                if (!m.isRunning()) {
                    throw new AssertionError("member " + m.name() + " stopped", m.failure());
                }
            }
            if (!balancedAndComplete(members)) {
                stableSince[0] = 0;
                return false;
            }
            if (stableSince[0] == 0) {
                stableSince[0] = System.nanoTime();
                for (int i = 0; i < members.size(); i++) {
                    pollsAt[i] = members.get(i).polls();
                }
                return false;
            }
            for (int i = 0; i < members.size(); i++) {
                if (members.get(i).polls() <= pollsAt[i]) {
                    return false;
                }
            }
            return System.nanoTime() - stableSince[0] >= TimeUnit.MILLISECONDS.toNanos(500);
        }, () -> members.toString());
        return Duration.ofNanos(stableSince[0] - start);
    }

    private static boolean balancedAndComplete(List<Member> members) {
        Set<TopicPartition> union = new HashSet<>();
        int total = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (Member m : members) {
            Set<TopicPartition> a = m.assignment();
            union.addAll(a);
            total += a.size();
            min = Math.min(min, a.size());
            max = Math.max(max, a.size());
        }
        return total == PARTITIONS && union.size() == PARTITIONS && min > 0 && max - min <= 1;
    }

    /** DescribeGroups/ConsumerGroupDescribe report what the members themselves see. */
    private static void assertDescribedAsMembersSeeIt(String group, GroupProtocolCase protocol, List<Member> members)
            throws Exception {
        ConsumerGroupDescription d = BROKER.admin().describeConsumerGroups(List.of(group)).describedGroups()
                .get(group).get(30, TimeUnit.SECONDS);
        assertThat(d.groupState()).as("state of %s", group).isEqualTo(GroupState.STABLE);
        assertThat(d.type()).isEqualTo(protocol.classic() ? GroupType.CLASSIC : GroupType.CONSUMER);
        assertThat(d.partitionAssignor()).isEqualTo(protocol.assignorName());
        assertThat(d.isSimpleConsumerGroup()).isFalse();
        Map<String, Set<TopicPartition>> described = d.members().stream()
                .collect(Collectors.toMap(MemberDescription::consumerId, md -> md.assignment().topicPartitions()));
        Map<String, Set<TopicPartition>> seen = new HashMap<>();
        for (Member m : members) {
            seen.put(m.memberId(), m.assignment());
        }
        assertThat(described).as("member id -> assignment as described vs. as the members see it").isEqualTo(seen);
    }

    private static void verifyLedger(GroupProtocolCase protocol, NumberedProducer producer, Ledger ledger,
                                     List<Member> members) {
        Map<TopicPartition, Map<Long, List<Delivery>>> delivered = ledger.byRecord();
        List<String> lost = new ArrayList<>();
        List<String> lastNotCommitted = new ArrayList<>();
        List<String> redeliveredAfterCommit = new ArrayList<>();
        List<String> wrongValue = new ArrayList<>();
        int duplicates = 0;
        for (Map.Entry<TopicPartition, Map<Long, String>> p : producer.acked().entrySet()) {
            for (Map.Entry<Long, String> r : new TreeMap<>(p.getValue()).entrySet()) {
                String where = p.getKey() + "@" + r.getKey();
                List<Delivery> ds = delivered.getOrDefault(p.getKey(), Map.of()).get(r.getKey());
                if (ds == null) {
                    lost.add(where);
                    continue;
                }
                duplicates += ds.size() - 1;
                for (int i = 0; i < ds.size(); i++) {
                    Delivery d = ds.get(i);
                    if (!r.getValue().equals(d.value)) {
                        wrongValue.add(where + " " + d.value + " != " + r.getValue());
                    }
                    if (i < ds.size() - 1 && d.committed) {
                        redeliveredAfterCommit.add(where + " " + ds);
                    }
                }
                if (!ds.get(ds.size() - 1).committed) {
                    lastNotCommitted.add(where + " " + ds);
                }
            }
        }
        Map<String, String> commitStats = new TreeMap<>();
        for (Member m : members) {
            commitStats.put(m.name(), m.stats());
        }
        log(protocol, "%d records produced, %d deliveries, %d duplicates; members %s",
                producer.ackedCount(), ledger.deliveries.size(), duplicates, commitStats);
        assertThat(lost).as("acknowledged records never delivered to any member").isEmpty();
        assertThat(wrongValue).as("deliveries whose value differs from what was produced at that offset").isEmpty();
        assertThat(redeliveredAfterCommit).as("records delivered again after a committed delivery").isEmpty();
        assertThat(lastNotCommitted).as("records whose last delivery was never committed").isEmpty();
        long notProduced = ledger.deliveries.stream()
                .filter(c -> !producer.acked().getOrDefault(c.partition, Map.of()).containsKey(c.offset)).count();
        assertThat(notProduced).as("deliveries of offsets that were never acknowledged").isZero();
    }

    private static List<TopicPartition> partitions(String topic) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        return tps;
    }

    private static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (TopicPartition tp : partitions(topic)) {
            specs.put(tp, OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResultInfo> r = BROKER.admin().listOffsets(specs).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        r.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private static Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = BROKER.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.forEach((tp, om) -> {
            if (om != null) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }

    private static void log(GroupProtocolCase protocol, String format, Object... args) {
        System.out.println("[GroupConsumptionTest " + protocol + "] " + String.format(format, args));
    }
}
