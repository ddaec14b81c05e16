package io.spillway.it.groups;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Static membership (KIP-345; group.instance.id): a member that restarts within its session timeout gets
 * its old assignment back without a rebalance. Its generation (member epoch with the consumer protocol)
 * is unchanged, the other member sees no rebalance callback, and the group keeps working.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StaticMembershipTest {

    @RegisterExtension
    static final GroupBroker BROKER = GroupBroker.create();

    private static final int PARTITIONS = 4;
    /** Classic static members get a session long enough to restart in; the consumer protocol's comes from the broker (6 s). */
    private static final String CLASSIC_SESSION_TIMEOUT_MS = "10000";

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = GroupProtocolCase.class, names = {"CLASSIC_EAGER_RANGE", "CONSUMER_RANGE"})
    void staticMemberRestartingWithinSessionTimeoutCausesNoRebalance(GroupProtocolCase protocol) throws Exception {
        String topic = BROKER.createTopic("static", PARTITIONS);
        String group = GroupBroker.uniqueName("static");
        Ledger ledger = new Ledger();
        List<MemberThread> all = new ArrayList<>();
        try {
            MemberThread a = staticMember("a", "instance-a", group, topic, protocol, ledger, all);
            MemberThread b = staticMember("b", "instance-b", group, topic, protocol, ledger, all);
            awaitOwnAll("a and b", List.of(a, b));
            produce(topic, 0);
            awaitDelivered(ledger, PARTITIONS * 5);

            Set<TopicPartition> assignmentA = a.assignment();
            Set<TopicPartition> assignmentB = b.assignment();
            int generationA = a.generation();
            int generationB = b.generation();
            String memberIdA = a.memberId();
            int callbacksB = b.rebalanceCallbacks();
            ConsumerGroupDescription before = describe(group);
            assertThat(before.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(instances(before)).containsOnlyKeys("instance-a", "instance-b");
            assertThat(instances(before).get("instance-a").assignment().topicPartitions()).isEqualTo(assignmentA);

            // restart a: close (a static member sends no LeaveGroup by default) and start a new consumer
            long restartNs = System.nanoTime();
            a.leave();
            ConsumerGroupDescription whileAway = describe(group);
            // Classic: nothing happens until the session times out. Consumer protocol: the member left with
            // epoch -2 (KIP-848's "static member leaving temporarily") and keeps its assignment; Kafka reports
            // the group Reconciling meanwhile, as that member's epoch differs from the target assignment epoch.
            assertThat(whileAway.groupState()).as("group state while static member a restarts")
                    .isEqualTo(protocol.classic() ? GroupState.STABLE : GroupState.RECONCILING);
            assertThat(instances(whileAway)).as("static members while a restarts").containsKey("instance-a");

            MemberThread a2 = staticMember("a2", "instance-a", group, topic, protocol, ledger, all);
            Await.until("restarted a to own its old partitions", Duration.ofSeconds(20),
                    () -> a2.assignment().equals(assignmentA) && a2.polls() > 2, () -> a2 + " " + b);
            long restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartNs);
            System.out.printf("[StaticMembershipTest %s] static member back with its partitions %d ms after close%n",
                    protocol, restartMs);
            assertThat(restartMs).as("restart must finish within the session timeout for this test to mean anything")
                    .isLessThan(GroupBroker.SESSION_TIMEOUT_MS);

            produce(topic, 1);
            awaitDelivered(ledger, PARTITIONS * 10);
            Thread.sleep(1000); // room for a rebalance to show, if one were (wrongly) under way

            assertThat(a2.generation()).as("generation/member epoch of the restarted static member").isEqualTo(generationA);
            assertThat(a2.memberId()).as("the restarted member gets a new member id").isNotEqualTo(memberIdA);
            assertThat(b.generation()).as("generation/member epoch of the other member").isEqualTo(generationB);
            assertThat(b.assignment()).as("assignment of the other member").isEqualTo(assignmentB);
            assertThat(b.rebalanceCallbacks()).as("rebalance callbacks of the other member since the restart")
                    .isEqualTo(callbacksB);
            ConsumerGroupDescription after = describe(group);
            assertThat(after.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(instances(after)).containsOnlyKeys("instance-a", "instance-b");
            assertThat(instances(after).get("instance-a").consumerId()).isEqualTo(a2.memberId());
            assertThat(instances(after).get("instance-a").assignment().topicPartitions()).isEqualTo(assignmentA);
            assertThat(instances(after).get("instance-b").assignment().topicPartitions()).isEqualTo(assignmentB);
            if (!protocol.classic()) {
                assertThat(after.groupEpoch()).as("group epoch").isEqualTo(before.groupEpoch());
            }

            Map<String, Long> deliveredTwice = ledger.byRecord().values().stream().flatMap(m -> m.entrySet().stream())
                    .filter(e -> e.getValue().size() > 1)
                    .collect(Collectors.toMap(e -> e.getValue().get(0).partition + "@" + e.getKey(), e -> (long) e.getValue().size()));
            assertThat(deliveredTwice).as("records delivered more than once (a committed everything before it closed)").isEmpty();
        } finally {
            for (MemberThread m : all) {
                m.close();
            }
        }
    }

    private static MemberThread staticMember(String name, String instanceId, String group, String topic,
                                             GroupProtocolCase protocol, Ledger ledger, List<MemberThread> all) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        if (protocol.classic()) {
            overrides.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, CLASSIC_SESSION_TIMEOUT_MS);
        }
        MemberThread m = new MemberThread(name, () -> BROKER.consumer(group, protocol, overrides), List.of(topic), ledger, true);
        all.add(m);
        return m.start();
    }

    private static void awaitOwnAll(String what, List<MemberThread> members) throws InterruptedException {
        Await.until(what + " to own " + PARTITIONS + " partitions, half each", Duration.ofSeconds(30), () -> {
            Set<TopicPartition> union = new HashSet<>();
            for (MemberThread m : members) {
                if (m.assignment().size() != PARTITIONS / members.size()) {
                    return false;
                }
                union.addAll(m.assignment());
            }
            return union.size() == PARTITIONS;
        }, members::toString);
    }

    private static void produce(String topic, int round) throws Exception {
        KafkaProducer<String, String> producer = BROKER.producer();
        for (int p = 0; p < PARTITIONS; p++) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, p, "k", "r" + round + "-p" + p + "-" + i));
            }
        }
        producer.flush();
    }

    private static void awaitDelivered(Ledger ledger, int count) throws InterruptedException {
        Await.until(count + " deliveries", Duration.ofSeconds(20), () -> ledger.deliveries.size() >= count,
                () -> ledger.deliveries.size() + " deliveries");
    }

    private static ConsumerGroupDescription describe(String group) throws Exception {
        return BROKER.admin().describeConsumerGroups(List.of(group)).describedGroups().get(group).get(30, TimeUnit.SECONDS);
    }

    /** Described members by group instance id. */
    private static Map<String, MemberDescription> instances(ConsumerGroupDescription d) {
        Map<String, MemberDescription> out = new HashMap<>();
        for (MemberDescription m : d.members()) {
            Optional<String> id = m.groupInstanceId();
            out.put(id.orElse("(dynamic " + m.consumerId() + ")"), m);
        }
        return out;
    }
}
