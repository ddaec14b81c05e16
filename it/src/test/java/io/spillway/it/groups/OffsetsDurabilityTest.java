package io.spillway.it.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Committed offsets are acknowledged data: after the broker stops (cleanly, or by SIGKILL right after the
 * commits were acknowledged) and starts again on the same data, every committed offset and its metadata
 * is there, deleted groups and deleted offsets stay deleted, and a consumer of the group resumes exactly
 * at the committed offsets: nothing lost, and nothing delivered again except what was processed but
 * never committed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OffsetsDurabilityTest {

    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 100;
    private static final int AFTER_RESTART_PER_PARTITION = 10;

    enum Outage { CLEAN_STOP, SIGKILL }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Outage.CLEAN_STOP, GroupProtocolCase.CLASSIC_EAGER_RANGE),
                Arguments.of(Outage.SIGKILL, GroupProtocolCase.CLASSIC_EAGER_RANGE),
                Arguments.of(Outage.SIGKILL, GroupProtocolCase.CONSUMER_UNIFORM));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void committedOffsetsSurviveARestartAndConsumptionResumesExactlyThere(Outage outage, GroupProtocolCase protocol)
            throws Exception {
        assumeTrue(RestartableBroker.supported(), "restarting an external broker needs -Dgroups.external.start/stop/kill");
        try (RestartableBroker broker = RestartableBroker.start("offsets-" + outage.name().toLowerCase())) {
            String topic = GroupBroker.uniqueName("durable");
            String group = GroupBroker.uniqueName("durable");
            String adminGroup = group + "-admin";
            String deletedGroup = group + "-deleted";
            String offsetDeletedGroup = group + "-offset-deleted";
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            TopicPartition p0 = tps.get(0);
            TopicPartition p1 = tps.get(1);
            Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
            Set<String> uncommittedDeliveries = new HashSet<>();
            Map<TopicPartition, OffsetAndMetadata> adminOffsets = Map.of(
                    p0, new OffsetAndMetadata(7, "set by admin"), p1, new OffsetAndMetadata(8));

            try (Admin admin = admin(broker)) {
                admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
                produce(broker, topic, 0, PER_PARTITION);

                // small polls, so that part of the log is processed and committed, part processed only
                try (KafkaConsumer<String, String> c1 = consumer(broker, group, protocol, Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "30"))) {
                    c1.subscribe(List.of(topic));
                    List<ConsumerRecord<String, String>> processed = pollAtLeast(c1, PARTITIONS * PER_PARTITION / 2);
                    for (ConsumerRecord<String, String> r : processed) {
                        committed.put(new TopicPartition(r.topic(), r.partition()),
                                new OffsetAndMetadata(r.offset() + 1, "m-" + r.partition() + "-" + (r.offset() + 1)));
                    }
                    c1.commitSync(committed);
                    // processed after the commit, never committed: these may (and must) be delivered again
                    for (ConsumerRecord<String, String> r : pollAtLeast(c1, 60)) {
                        uncommittedDeliveries.add(r.partition() + "@" + r.offset());
                    }
                    c1.close(CloseOptions.timeout(Duration.ofSeconds(10)));
                }

                admin.alterConsumerGroupOffsets(adminGroup, adminOffsets).all().get(30, TimeUnit.SECONDS);
                admin.alterConsumerGroupOffsets(deletedGroup, Map.of(p0, new OffsetAndMetadata(5))).all().get(30, TimeUnit.SECONDS);
                admin.deleteConsumerGroups(List.of(deletedGroup)).all().get(30, TimeUnit.SECONDS);
                admin.alterConsumerGroupOffsets(offsetDeletedGroup, Map.of(p0, new OffsetAndMetadata(3), p1, new OffsetAndMetadata(4)))
                        .all().get(30, TimeUnit.SECONDS);
                admin.deleteConsumerGroupOffsets(offsetDeletedGroup, Set.of(p1)).all().get(30, TimeUnit.SECONDS);
                assertThat(offsets(admin, group)).as("committed offsets before the outage").isEqualTo(committed);
            }

            if (outage == Outage.CLEAN_STOP) {
                broker.stop();
            } else {
                broker.kill9();
            }
            broker.restart();

            try (Admin admin = admin(broker)) {
                assertThat(offsets(admin, group)).as("offsets and metadata of %s after %s and restart", group, outage)
                        .isEqualTo(committed);
                assertThat(offsets(admin, adminGroup)).as("offsets set with alterConsumerGroupOffsets").isEqualTo(adminOffsets);
                assertThat(offsets(admin, offsetDeletedGroup)).as("offsets left after deleteConsumerGroupOffsets")
                        .isEqualTo(Map.of(p0, new OffsetAndMetadata(3)));
                assertThat(offsets(admin, deletedGroup)).as("offsets of a deleted group").isEmpty();
                Collection<GroupListing> groups = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get(30, TimeUnit.SECONDS);
                assertThat(groups).extracting(GroupListing::groupId).as("groups after restart")
                        .contains(group, adminGroup, offsetDeletedGroup).doesNotContain(deletedGroup);

                produce(broker, topic, PER_PARTITION, AFTER_RESTART_PER_PARTITION);
                int remaining = 0;
                for (TopicPartition tp : tps) {
                    long from = committed.containsKey(tp) ? committed.get(tp).offset() : 0;
                    remaining += (int) (PER_PARTITION + AFTER_RESTART_PER_PARTITION - from);
                }
                List<ConsumerRecord<String, String>> resumed = new ArrayList<>();
                try (KafkaConsumer<String, String> c2 = consumer(broker, group, protocol, Map.of())) {
                    assertThat(c2.committed(Set.copyOf(tps), Duration.ofSeconds(30)).entrySet().stream()
                            .filter(e -> e.getValue() != null)
                            .collect(Collectors.toMap(Map.Entry::getKey,
                                    e -> new OffsetAndMetadata(e.getValue().offset(), e.getValue().metadata()))))
                            .as("consumer.committed() after restart").isEqualTo(committed);
                    c2.subscribe(List.of(topic));
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
                    while (resumed.size() < remaining && System.nanoTime() < deadline) {
                        ConsumerRecords<String, String> records = c2.poll(Duration.ofMillis(200));
                        records.forEach(resumed::add);
                        if (!records.isEmpty()) {
                            c2.commitSync();
                        }
                    }
                    c2.close(CloseOptions.timeout(Duration.ofSeconds(10)));
                }
                verifyResumed(resumed, committed, uncommittedDeliveries, remaining);

                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                tps.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
                admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                        .forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
                assertThat(offsets(admin, group).entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset())))
                        .as("final committed offsets").isEqualTo(ends.entrySet().stream()
                                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset())));
            } catch (AssertionError | Exception e) {
                System.err.println("[OffsetsDurabilityTest] broker log " + broker.tail());
                throw e;
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = GroupProtocolCase.class, names = {"CLASSIC_EAGER_RANGE", "CONSUMER_UNIFORM"})
    void aRunningMemberCarriesOnAcrossACleanBrokerRestart(GroupProtocolCase protocol) throws Exception {
        assumeTrue(RestartableBroker.supported(), "restarting an external broker needs -Dgroups.external.start/stop/kill");
        try (RestartableBroker broker = RestartableBroker.start("members-restart")) {
            String topic = GroupBroker.uniqueName("carry-on");
            String group = GroupBroker.uniqueName("carry-on");
            Ledger ledger = new Ledger();
            MemberThread member = null;
            try (Admin admin = admin(broker)) {
                admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
                member = new MemberThread("survivor", () -> consumer(broker, group, protocol, Map.of()), List.of(topic), ledger, true).start();
                produce(broker, topic, 0, 10);
                MemberThread m = member;
                Await.until("the member to consume the first records", Duration.ofSeconds(30),
                        () -> ledger.deliveries.size() >= PARTITIONS * 10, () -> ledger.deliveries.size() + " " + m);
                String memberId = member.memberId();
                int generation = member.generation();

                broker.stop();
                broker.restart();
                produce(broker, topic, 10, 10);
                Await.until("the member to consume the records produced after the restart", Duration.ofSeconds(45),
                        () -> ledger.deliveries.size() >= PARTITIONS * 20, () -> ledger.deliveries.size() + " " + m);
                Thread.sleep(1000);
                assertThat(member.isRunning()).as("member running (%s)", member.failure()).isTrue();
                assertThat(ledger.byRecord().values().stream().mapToLong(Map::size).sum()).as("distinct records delivered")
                        .isEqualTo(PARTITIONS * 20L);
                assertThat(ledger.deliveries).as("deliveries (no record twice)").hasSize(PARTITIONS * 20);
                // Kafka loads each group (members, generation, assignment) back from its log, so the
                // coordinator still knows the member after the restart. Classic: a member the coordinator
                // forgot gets UNKNOWN_MEMBER_ID and rejoins under a new member id. (Its generation may still
                // move on: the Java client's leader rejoins by itself when the topic metadata it sees during
                // the restart differs from the assignment's, so the generation is not compared.) Consumer
                // protocol: the member id is the client's own; a forgotten member would rejoin at epoch 0 and
                // come back with a new, higher epoch.
                if (protocol.classic()) {
                    assertThat(member.memberId()).as("member id after the broker restart").isEqualTo(memberId);
                } else {
                    assertThat(member.generation()).as("member epoch after the broker restart").isEqualTo(generation);
                }
                member.leave();
            } catch (AssertionError | Exception e) {
                System.err.println("[OffsetsDurabilityTest] broker log " + broker.tail());
                throw e;
            } finally {
                if (member != null) {
                    member.close();
                }
            }
        }
    }

    private static void verifyResumed(List<ConsumerRecord<String, String>> resumed,
                                      Map<TopicPartition, OffsetAndMetadata> committed,
                                      Set<String> uncommittedDeliveries, int expected) {
        Map<Integer, List<Long>> offsetsByPartition = new TreeMap<>();
        List<String> wrongValues = new ArrayList<>();
        for (ConsumerRecord<String, String> r : resumed) {
            offsetsByPartition.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r.offset());
            if (!r.value().equals(value(r.partition(), (int) r.offset()))) {
                wrongValues.add(r.partition() + "@" + r.offset() + "=" + r.value());
            }
        }
        assertThat(wrongValues).as("records whose value is not what was produced at that offset").isEmpty();
        assertThat(resumed).as("records delivered after the restart").hasSize(expected);
        for (Map.Entry<Integer, List<Long>> e : offsetsByPartition.entrySet()) {
            TopicPartition tp = new TopicPartition(resumed.get(0).topic(), e.getKey());
            long from = committed.containsKey(tp) ? committed.get(tp).offset() : 0;
            List<Long> want = new ArrayList<>();
            for (long o = from; o < PER_PARTITION + AFTER_RESTART_PER_PARTITION; o++) {
                want.add(o);
            }
            assertThat(e.getValue()).as("offsets of partition %d delivered after the restart (committed %d)", e.getKey(), from)
                    .isEqualTo(want);
        }
        Set<String> redelivered = resumed.stream()
                .filter(r -> uncommittedDeliveries.contains(r.partition() + "@" + r.offset()))
                .map(r -> r.partition() + "@" + r.offset()).collect(Collectors.toSet());
        assertThat(redelivered).as("records processed but not committed before the outage are delivered again")
                .isEqualTo(uncommittedDeliveries);
    }

    private static String value(int partition, int offset) {
        return "p" + partition + "-" + offset;
    }

    private static void produce(RestartableBroker broker, String topic, int from, int count) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = from; i < from + count; i++) {
                    producer.send(new ProducerRecord<>(topic, p, "k" + i, value(p, i)));
                }
            }
            producer.flush();
        }
    }

    private static List<ConsumerRecord<String, String>> pollAtLeast(KafkaConsumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (out.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        assertThat(out.size()).as("records polled").isGreaterThanOrEqualTo(count);
        return out;
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> raw = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        raw.forEach((tp, om) -> {
            if (om != null) {
                // the leader epoch is not part of what is compared: a restart may legitimately change it
                out.put(tp, new OffsetAndMetadata(om.offset(), om.metadata()));
            }
        });
        return out;
    }

    private static KafkaConsumer<String, String> consumer(RestartableBroker broker, String group, GroupProtocolCase protocol,
                                                          Map<String, Object> overrides) {
        Map<String, Object> config = GroupBroker.consumerConfig(broker.bootstrap(), group, protocol);
        config.putAll(overrides);
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private static Admin admin(RestartableBroker broker) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000"));
    }
}
