package io.spillway.it.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListConsumerGroupsOptions;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What an operator does to consumer groups through the Admin API, i.e. what Kafka's
 * {@code kafka-consumer-groups.sh} does: list (with state and type filters), describe (members,
 * assignments, state), show lag, reset offsets (earliest, latest, a specific offset, a point in time) on
 * an inactive group, delete offsets, remove static members, delete groups. Groups of both protocols
 * (classic and KIP-848 consumer) are handled alike. (The tool's own class, ConsumerGroupCommand, is not
 * run: org.apache.kafka:kafka-tools 4.4.0 is not published on Maven Central.)
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConsumerGroupsAdminTest {

    @RegisterExtension
    static final GroupBroker BROKER = GroupBroker.create();

    /** Record timestamps start an hour ago: recent enough for any retention, far from "now". */
    private static final long BASE_TIMESTAMP_MS = (System.currentTimeMillis() / 1000 - 3600) * 1000;

    private final List<MemberThread> members = new ArrayList<>();

    @AfterEach
    void stopMembers() throws InterruptedException {
        for (MemberThread m : members) {
            m.close();
        }
        members.clear();
    }

    @Test
    void listAndDescribeGroupsOfBothProtocolsWithFilters() throws Exception {
        String topic = BROKER.createTopic("admin-list", 3);
        String classic = GroupBroker.uniqueName("admin-classic");
        String modern = GroupBroker.uniqueName("admin-modern");
        String simple = GroupBroker.uniqueName("admin-simple");
        MemberThread c = member("classic", classic, topic, GroupProtocolCase.CLASSIC_EAGER_RANGE, Map.of());
        MemberThread m = member("modern", modern, topic, GroupProtocolCase.CONSUMER_UNIFORM, Map.of());
        admin().alterConsumerGroupOffsets(simple, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0)))
                .all().get(30, TimeUnit.SECONDS);
        awaitAssignment(c, 3);
        awaitAssignment(m, 3);

        Map<String, GroupListing> all = listGroups(ListGroupsOptions.forConsumerGroups());
        assertThat(all).containsKeys(classic, modern, simple);
        assertThat(all.get(classic).type()).contains(GroupType.CLASSIC);
        assertThat(all.get(classic).groupState()).contains(GroupState.STABLE);
        assertThat(all.get(classic).protocol()).isEqualTo("consumer");
        assertThat(all.get(classic).isSimpleConsumerGroup()).isFalse();
        assertThat(all.get(modern).type()).contains(GroupType.CONSUMER);
        assertThat(all.get(modern).groupState()).contains(GroupState.STABLE);
        assertThat(all.get(modern).protocol()).isEqualTo("consumer");
        assertThat(all.get(simple).groupState()).contains(GroupState.EMPTY);
        assertThat(all.get(simple).isSimpleConsumerGroup()).as("a group that only has offsets committed by admin").isTrue();

        assertThat(listGroups(ListGroupsOptions.forConsumerGroups().inGroupStates(Set.of(GroupState.EMPTY))))
                .containsKey(simple).doesNotContainKeys(classic, modern);
        assertThat(listGroups(ListGroupsOptions.forConsumerGroups().inGroupStates(Set.of(GroupState.STABLE))))
                .containsKeys(classic, modern).doesNotContainKey(simple);
        assertThat(listGroups(ListGroupsOptions.forConsumerGroups().withTypes(Set.of(GroupType.CONSUMER))))
                .containsKey(modern).doesNotContainKeys(classic, simple);
        assertThat(listGroups(new ListGroupsOptions().withTypes(Set.of(GroupType.CLASSIC))))
                .containsKeys(classic, simple).doesNotContainKey(modern);
        assertThat(legacyListConsumerGroups(Set.of(GroupState.STABLE)))
                .as("deprecated listConsumerGroups with a state filter").contains(classic, modern).doesNotContain(simple);

        Node coordinator = BROKER.admin().describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next();
        Map<String, ConsumerGroupDescription> described = BROKER.admin()
                .describeConsumerGroups(List.of(classic, modern, simple)).all().get(30, TimeUnit.SECONDS);
        Set<TopicPartition> allPartitions = partitions(topic, 3);

        ConsumerGroupDescription dc = described.get(classic);
        assertThat(dc.groupState()).isEqualTo(GroupState.STABLE);
        assertThat(dc.type()).isEqualTo(GroupType.CLASSIC);
        assertThat(dc.partitionAssignor()).isEqualTo("range");
        assertThat(dc.isSimpleConsumerGroup()).isFalse();
        assertThat(dc.coordinator().id()).isEqualTo(coordinator.id());
        assertThat(dc.members()).hasSize(1);
        MemberDescription cm = dc.members().iterator().next();
        assertThat(cm.consumerId()).isEqualTo(c.memberId());
        assertThat(cm.clientId()).startsWith(classic + "-member");
        assertThat(cm.host()).contains("127.0.0.1");
        assertThat(cm.groupInstanceId()).isEmpty();
        assertThat(cm.assignment().topicPartitions()).isEqualTo(allPartitions);

        ConsumerGroupDescription dm = described.get(modern);
        assertThat(dm.groupState()).isEqualTo(GroupState.STABLE);
        assertThat(dm.type()).isEqualTo(GroupType.CONSUMER);
        assertThat(dm.partitionAssignor()).isEqualTo("uniform");
        assertThat(dm.coordinator().id()).isEqualTo(coordinator.id());
        assertThat(dm.groupEpoch()).isPresent();
        assertThat(dm.targetAssignmentEpoch()).isEqualTo(dm.groupEpoch());
        assertThat(dm.members()).hasSize(1);
        MemberDescription mm = dm.members().iterator().next();
        assertThat(mm.consumerId()).isEqualTo(m.memberId());
        assertThat(mm.clientId()).startsWith(modern + "-member");
        assertThat(mm.assignment().topicPartitions()).isEqualTo(allPartitions);
        assertThat(mm.targetAssignment().map(a -> a.topicPartitions())).contains(allPartitions);
        assertThat(mm.memberEpoch()).contains(m.generation());

        ConsumerGroupDescription ds = described.get(simple);
        assertThat(ds.groupState()).isEqualTo(GroupState.EMPTY);
        assertThat(ds.members()).isEmpty();
        assertThat(ds.isSimpleConsumerGroup()).isTrue();

        String unknown = GroupBroker.uniqueName("admin-unknown");
        assertThatThrownBy(() -> BROKER.admin().describeConsumerGroups(List.of(unknown)).describedGroups().get(unknown)
                .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(GroupIdNotFoundException.class);
    }

    @Test
    void offsetsWithLagAsTheConsumerGroupsToolShowsThem() throws Exception {
        String topic = BROKER.createTopic("admin-lag", 3);
        String group = GroupBroker.uniqueName("admin-lag");
        String other = GroupBroker.uniqueName("admin-lag-other");
        produce(topic, Map.of(0, 10, 1, 20, 2, 30));
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        TopicPartition p2 = new TopicPartition(topic, 2);
        // a consumer commits p0=4 (with metadata) and p1=20 and never touches p2
        KafkaConsumer<String, String> consumer = BROKER.consumer(group, GroupProtocolCase.CLASSIC_EAGER_RANGE, Map.of());
        consumer.assign(List.of(p0, p1, p2));
        consumer.commitSync(Map.of(p0, new OffsetAndMetadata(4, "checkpoint-a"), p1, new OffsetAndMetadata(20)));
        consumer.close();
        admin().alterConsumerGroupOffsets(other, Map.of(p2, new OffsetAndMetadata(29))).all().get(30, TimeUnit.SECONDS);

        Map<TopicPartition, OffsetAndMetadata> committed = offsets(group);
        assertThat(committed).containsOnlyKeys(p0, p1);
        assertThat(committed.get(p0).offset()).isEqualTo(4);
        assertThat(committed.get(p0).metadata()).isEqualTo("checkpoint-a");
        assertThat(committed.get(p1).offset()).isEqualTo(20);
        Map<TopicPartition, Long> ends = listOffsets(Set.of(p0, p1, p2), OffsetSpec.latest());
        Map<TopicPartition, Long> lag = new HashMap<>();
        committed.forEach((tp, om) -> lag.put(tp, ends.get(tp) - om.offset()));
        assertThat(lag).as("lag = log end offset - committed offset").isEqualTo(Map.of(p0, 6L, p1, 0L));

        // both groups in one request (OffsetFetch with several groups), one limited to some partitions
        Map<String, ListConsumerGroupOffsetsSpec> specs = Map.of(
                group, new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(p1)),
                other, new ListConsumerGroupOffsetsSpec());
        Map<String, Map<TopicPartition, OffsetAndMetadata>> both =
                admin().listConsumerGroupOffsets(specs).all().get(30, TimeUnit.SECONDS);
        assertThat(both.get(group)).containsOnlyKeys(p1);
        assertThat(both.get(group).get(p1).offset()).isEqualTo(20);
        assertThat(both.get(other)).containsOnlyKeys(p2);
        assertThat(both.get(other).get(p2).offset()).isEqualTo(29);
    }

    @Test
    void resetOffsetsOfAnInactiveGroupToEarliestLatestSpecificAndDatetime() throws Exception {
        String topic = BROKER.createTopic("admin-reset", 2);
        String group = GroupBroker.uniqueName("admin-reset");
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        produce(topic, Map.of(0, 10, 1, 10));
        admin().deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(2))).all().get(30, TimeUnit.SECONDS);

        // the group consumes everything once, then goes away
        MemberThread m = member("reader", group, topic, GroupProtocolCase.CLASSIC_EAGER_RANGE, Map.of());
        Await.until("the group to commit the end offsets", Duration.ofSeconds(30),
                () -> committedOffsets(group).equals(Map.of(p0, 10L, p1, 10L)), () -> committedOffsets(group).toString());
        m.leave();
        Await.until("the group to be empty", Duration.ofSeconds(30), () -> describe(group).groupState() == GroupState.EMPTY);

        Set<TopicPartition> both = Set.of(p0, p1);
        resetTo(group, listOffsets(both, OffsetSpec.earliest()));
        assertThat(committedOffsets(group)).as("--to-earliest").isEqualTo(Map.of(p0, 2L, p1, 0L));
        resetTo(group, listOffsets(both, OffsetSpec.latest()));
        assertThat(committedOffsets(group)).as("--to-latest").isEqualTo(Map.of(p0, 10L, p1, 10L));
        resetTo(group, Map.of(p0, 4L, p1, 7L));
        assertThat(committedOffsets(group)).as("--to-offset").isEqualTo(Map.of(p0, 4L, p1, 7L));
        // record i has timestamp BASE + i s: the first at or after BASE + 5.5 s is offset 6
        resetTo(group, listOffsets(both, OffsetSpec.forTimestamp(BASE_TIMESTAMP_MS + 5_500)));
        assertThat(committedOffsets(group)).as("--to-datetime").isEqualTo(Map.of(p0, 6L, p1, 6L));

        KafkaConsumer<String, String> consumer = BROKER.consumer(group, GroupProtocolCase.CLASSIC_EAGER_RANGE, Map.of());
        consumer.subscribe(List.of(topic));
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (got.size() < 8 && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(got::add);
        }
        consumer.close();
        assertThat(got).extracting(r -> r.partition() + "@" + r.offset())
                .as("a member of the reset group starts at the reset offsets")
                .containsExactlyInAnyOrder("0@6", "0@7", "0@8", "0@9", "1@6", "1@7", "1@8", "1@9");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = GroupProtocolCase.class, names = {"CLASSIC_EAGER_RANGE", "CONSUMER_UNIFORM"})
    void offsetsOfAnActiveGroupCannotBeResetAndSubscribedTopicsCannotLoseOffsets(GroupProtocolCase protocol) throws Exception {
        String subscribed = BROKER.createTopic("admin-subscribed", 1);
        String notSubscribed = BROKER.createTopic("admin-not-subscribed", 1);
        String group = GroupBroker.uniqueName("admin-active");
        TopicPartition s0 = new TopicPartition(subscribed, 0);
        TopicPartition n0 = new TopicPartition(notSubscribed, 0);
        admin().alterConsumerGroupOffsets(group, Map.of(s0, new OffsetAndMetadata(0), n0, new OffsetAndMetadata(0)))
                .all().get(30, TimeUnit.SECONDS);
        MemberThread m = member("active", group, subscribed, protocol, Map.of());
        awaitAssignment(m, 1);

        // kafka-consumer-groups refuses to reset an active group; the broker refuses a commit from outside it
        assertThatThrownBy(() -> admin().alterConsumerGroupOffsets(group, Map.of(s0, new OffsetAndMetadata(0)))
                .all().get(30, TimeUnit.SECONDS))
                .as("alterConsumerGroupOffsets on an active group").hasCauseInstanceOf(UnknownMemberIdException.class);

        var deleteSubscribed = admin().deleteConsumerGroupOffsets(group, Set.of(s0));
        assertThatThrownBy(() -> deleteSubscribed.partitionResult(s0).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(GroupSubscribedToTopicException.class);
        admin().deleteConsumerGroupOffsets(group, Set.of(n0)).all().get(30, TimeUnit.SECONDS);
        assertThat(offsets(group)).as("offsets after deleting the unsubscribed topic's").containsOnlyKeys(s0);

        m.leave();
        Await.until("the group to be empty", Duration.ofSeconds(30), () -> describe(group).groupState() == GroupState.EMPTY);
        admin().deleteConsumerGroupOffsets(group, Set.of(s0)).all().get(30, TimeUnit.SECONDS);
        assertThat(offsets(group)).as("offsets after deleting the last one").isEmpty();

        String unknown = GroupBroker.uniqueName("admin-unknown");
        assertThatThrownBy(() -> admin().deleteConsumerGroupOffsets(unknown, Set.of(s0)).all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(GroupIdNotFoundException.class);
    }

    @Test
    void removeStaticMembersFromAGroup() throws Exception {
        String topic = BROKER.createTopic("admin-remove", 4);
        String group = GroupBroker.uniqueName("admin-remove");
        // a long session timeout: only the removal can explain a quick rebalance
        Map<String, Object> longSession = Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "60000");
        MemberThread one = member("one", group, topic, GroupProtocolCase.CLASSIC_EAGER_RANGE,
                with(longSession, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-one"));
        MemberThread two = member("two", group, topic, GroupProtocolCase.CLASSIC_EAGER_RANGE,
                with(longSession, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-two"));
        Await.until("both static members to own 2 partitions", Duration.ofSeconds(30),
                () -> one.assignment().size() == 2 && two.assignment().size() == 2, () -> one + " " + two);
        one.leave(); // a static member sends no LeaveGroup: it stays in the group until its session times out
        assertThat(describe(group).members()).extracting(md -> md.groupInstanceId().orElse("?"))
                .containsExactlyInAnyOrder("instance-one", "instance-two");

        RemoveMembersFromConsumerGroupResult removed = admin().removeMembersFromConsumerGroup(group,
                new RemoveMembersFromConsumerGroupOptions(List.of(new MemberToRemove("instance-one"))));
        removed.all().get(30, TimeUnit.SECONDS);
        Duration took = Await.until("the remaining member to own all 4 partitions", Duration.ofSeconds(20),
                () -> two.assignment().size() == 4, two::toString);
        assertThat(took).as("rebalance after removal, long before the 60 s session timeout").isLessThan(Duration.ofSeconds(20));
        assertThat(describe(group).members()).extracting(md -> md.groupInstanceId().orElse("?"))
                .containsExactly("instance-two");

        RemoveMembersFromConsumerGroupResult unknown = admin().removeMembersFromConsumerGroup(group,
                new RemoveMembersFromConsumerGroupOptions(List.of(new MemberToRemove("instance-nobody"))));
        assertThatThrownBy(() -> unknown.memberResult(new MemberToRemove("instance-nobody")).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnknownMemberIdException.class);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = GroupProtocolCase.class, names = {"CLASSIC_COOPERATIVE_STICKY", "CONSUMER_UNIFORM"})
    void deleteGroupsOnlyOnceEmpty(GroupProtocolCase protocol) throws Exception {
        String topic = BROKER.createTopic("admin-delete", 2);
        String group = GroupBroker.uniqueName("admin-delete");
        MemberThread m = member("doomed", group, topic, protocol, Map.of());
        awaitAssignment(m, 2);
        produce(topic, Map.of(0, 3, 1, 3));
        Await.until("offsets committed", Duration.ofSeconds(30), () -> offsets(group).size() == 2);

        assertThatThrownBy(() -> admin().deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS))
                .as("deleting a group with members").hasCauseInstanceOf(GroupNotEmptyException.class);
        m.leave();
        Await.until("the group to be empty", Duration.ofSeconds(30), () -> describe(group).groupState() == GroupState.EMPTY);
        admin().deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
        assertThat(listGroups(ListGroupsOptions.forConsumerGroups())).doesNotContainKey(group);
        assertThat(offsets(group)).as("offsets of a deleted group").isEmpty();
        assertThatThrownBy(() -> describe(group)).hasCauseInstanceOf(GroupIdNotFoundException.class);

        String unknown = GroupBroker.uniqueName("admin-unknown");
        assertThatThrownBy(() -> admin().deleteConsumerGroups(List.of(unknown)).all().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(GroupIdNotFoundException.class);
    }

    // --- helpers ---

    private MemberThread member(String name, String group, String topic, GroupProtocolCase protocol,
                                Map<String, Object> overrides) {
        MemberThread m = new MemberThread(name, () -> BROKER.consumer(group, protocol, overrides), List.of(topic),
                new Ledger(), true);
        members.add(m);
        return m.start();
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> out = new HashMap<>(base);
        out.put(key, value);
        return out;
    }

    private static void awaitAssignment(MemberThread m, int partitions) throws InterruptedException {
        Await.until(m.name() + " to own " + partitions + " partitions", Duration.ofSeconds(30),
                () -> m.assignment().size() == partitions && m.polls() > 1, m::toString);
    }

    private static Admin admin() {
        return BROKER.admin();
    }

    private static Map<String, GroupListing> listGroups(ListGroupsOptions options) throws Exception {
        Collection<GroupListing> listings = admin().listGroups(options).all().get(30, TimeUnit.SECONDS);
        return listings.stream().collect(Collectors.toMap(GroupListing::groupId, g -> g));
    }

    @SuppressWarnings({"deprecation", "removal"}) // still what many tools call; same ListGroups request underneath
    private static Set<String> legacyListConsumerGroups(Set<GroupState> states) throws Exception {
        Collection<ConsumerGroupListing> listings = admin().listConsumerGroups(new ListConsumerGroupsOptions().inGroupStates(states))
                .all().get(30, TimeUnit.SECONDS);
        return listings.stream().map(ConsumerGroupListing::groupId).collect(Collectors.toSet());
    }

    private static ConsumerGroupDescription describe(String group) throws Exception {
        return admin().describeConsumerGroups(List.of(group)).describedGroups().get(group).get(30, TimeUnit.SECONDS);
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .forEach((tp, om) -> {
                    if (om != null) {
                        out.put(tp, om);
                    }
                });
        return out;
    }

    private static Map<TopicPartition, Long> committedOffsets(String group) throws Exception {
        return offsets(group).entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private static void resetTo(String group, Map<TopicPartition, Long> offsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> request = new HashMap<>();
        offsets.forEach((tp, o) -> request.put(tp, new OffsetAndMetadata(o)));
        admin().alterConsumerGroupOffsets(group, request).all().get(30, TimeUnit.SECONDS);
    }

    private static Map<TopicPartition, Long> listOffsets(Set<TopicPartition> tps, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        tps.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin().listOffsets(request).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private static Set<TopicPartition> partitions(String topic, int count) {
        Set<TopicPartition> out = new HashSet<>();
        for (int p = 0; p < count; p++) {
            out.add(new TopicPartition(topic, p));
        }
        return out;
    }

    /** Produces {@code count} records per partition; record i has timestamp BASE + i s. */
    private static void produce(String topic, Map<Integer, Integer> countPerPartition) throws ExecutionException, InterruptedException {
        KafkaProducer<String, String> producer = BROKER.producer();
        countPerPartition.forEach((p, count) -> {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, p, BASE_TIMESTAMP_MS + i * 1000L, "k" + i, "v" + i));
            }
        });
        producer.flush();
    }
}
