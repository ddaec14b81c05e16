package io.spillway.coordinator.assignor;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class UniformAssignorTest {
    private static final Uuid T1 = new Uuid(1, 1);
    private static final Uuid T2 = new Uuid(2, 2);
    private static final Uuid T3 = new Uuid(3, 3);
    private final UniformAssignor assignor = new UniformAssignor();

    private final Map<Uuid, Integer> partitions = new HashMap<>(Map.of(T1, 12, T2, 5, T3, 7));

    private Map<String, Map<Uuid, Set<Integer>>> assign(Map<String, Set<Uuid>> subscriptions,
                                                        Map<String, Map<Uuid, Set<Integer>>> previous) {
        Map<String, PartitionAssignor.MemberSpec> members = new TreeMap<>();
        subscriptions.forEach((id, topics) -> members.put(id, new PartitionAssignor.MemberSpec(null, topics,
                previous.getOrDefault(id, Map.of()))));
        Map<String, Map<Uuid, Set<Integer>>> result = assignor.assign(new PartitionAssignor.Spec(members,
                t -> partitions.getOrDefault(t, 0)));
        assertEveryPartitionOnceToASubscriber(subscriptions, result);
        return result;
    }

    private void assertEveryPartitionOnceToASubscriber(Map<String, Set<Uuid>> subscriptions,
                                                       Map<String, Map<Uuid, Set<Integer>>> result) {
        Set<Uuid> subscribed = new HashSet<>();
        subscriptions.values().forEach(subscribed::addAll);
        Map<Uuid, Set<Integer>> seen = new HashMap<>();
        result.forEach((member, assignment) -> assignment.forEach((topic, ps) -> {
            assertThat(subscriptions.get(member)).as("%s subscribes to %s", member, topic).contains(topic);
            for (int p : ps) {
                assertThat(seen.computeIfAbsent(topic, t -> new HashSet<>()).add(p)).as("%s-%d assigned twice", topic, p)
                        .isTrue();
            }
        }));
        for (Uuid topic : subscribed) {
            assertThat(seen.getOrDefault(topic, Set.of())).hasSize(partitions.get(topic));
        }
    }

    private static int count(Map<Uuid, Set<Integer>> assignment) {
        return Assignments.countPartitions(assignment);
    }

    @Test
    void sameSubscriptionsAreBalancedWithinOnePartition() {
        Map<String, Set<Uuid>> subs = new LinkedHashMap<>();
        for (String m : List.of("a", "b", "c", "d", "e")) {
            subs.put(m, Set.of(T1, T2, T3));
        }
        Map<String, Map<Uuid, Set<Integer>>> result = assign(subs, Map.of());
        IntSummary s = IntSummary.of(result.values().stream().mapToInt(UniformAssignorTest::count).toArray());
        assertThat(s.max - s.min).isLessThanOrEqualTo(1);
        assertThat(s.sum).isEqualTo(24);
    }

    @Test
    void aJoiningMemberTakesOnlyWhatBalanceRequiresAndOthersOnlyLose() {
        Map<String, Set<Uuid>> subs = new LinkedHashMap<>();
        subs.put("a", Set.of(T1));
        subs.put("b", Set.of(T1));
        subs.put("c", Set.of(T1));
        Map<String, Map<Uuid, Set<Integer>>> three = assign(subs, Map.of());
        assertThat(three.values()).allSatisfy(a -> assertThat(count(a)).isEqualTo(4));

        subs.put("d", Set.of(T1));
        Map<String, Map<Uuid, Set<Integer>>> four = assign(subs, three);
        for (String m : List.of("a", "b", "c")) {
            assertThat(three.get(m).get(T1)).containsAll(four.get(m).get(T1));
            assertThat(count(four.get(m))).isEqualTo(3);
        }
        assertThat(count(four.get("d"))).isEqualTo(3);
    }

    @Test
    void aLeavingMembersPartitionsGoToTheOthersWhoKeepTheirs() {
        Map<String, Set<Uuid>> subs = new LinkedHashMap<>();
        for (String m : List.of("a", "b", "c")) {
            subs.put(m, Set.of(T1));
        }
        Map<String, Map<Uuid, Set<Integer>>> three = assign(subs, Map.of());
        subs.remove("b");
        Map<String, Map<Uuid, Set<Integer>>> two = assign(subs, three);
        for (String m : List.of("a", "c")) {
            assertThat(two.get(m).get(T1)).containsAll(three.get(m).get(T1)).hasSize(6);
        }
    }

    @Test
    void anUnchangedGroupKeepsItsAssignment() {
        Map<String, Set<Uuid>> subs = new LinkedHashMap<>();
        subs.put("a", Set.of(T1, T2));
        subs.put("b", Set.of(T1, T3));
        subs.put("c", Set.of(T2, T3));
        Map<String, Map<Uuid, Set<Integer>>> first = assign(subs, Map.of());
        assertThat(assign(subs, first)).isEqualTo(first);
    }

    @Test
    void differentSubscriptionsAreBalancedAsFarAsSubscriptionsAllow() {
        Map<String, Set<Uuid>> subs = new LinkedHashMap<>();
        subs.put("a", Set.of(T1));
        subs.put("b", Set.of(T1, T2));
        subs.put("c", Set.of(T2, T3));
        subs.put("d", Set.of(T3));
        Map<String, Map<Uuid, Set<Integer>>> result = assign(subs, Map.of());
        // 24 partitions over 4 members: 6 each is possible here.
        assertThat(result.values()).allSatisfy(a -> assertThat(count(a)).isEqualTo(6));
        assertNoMoveNarrowsAGap(subs, result);
    }

    @Test
    void randomChurnStaysBalancedAndSticky() {
        Random random = new Random(42);
        List<Uuid> topics = List.of(T1, T2, T3);
        Map<String, Set<Uuid>> subs = new TreeMap<>();
        Map<String, Map<Uuid, Set<Integer>>> current = Map.of();
        for (int round = 0; round < 200; round++) {
            String member = "m" + random.nextInt(8);
            if (subs.containsKey(member) && random.nextBoolean()) {
                subs.remove(member);
            } else {
                Set<Uuid> mine = new HashSet<>();
                topics.forEach(t -> {
                    if (random.nextInt(3) > 0) {
                        mine.add(t);
                    }
                });
                subs.put(member, mine.isEmpty() ? Set.of(T1) : mine);
            }
            if (random.nextInt(10) == 0) {
                partitions.merge(topics.get(random.nextInt(3)), 1, Integer::sum);
            }
            Map<String, Map<Uuid, Set<Integer>>> next = assign(subs, current);
            assertNoMoveNarrowsAGap(subs, next);
            current = next;
        }
    }

    /** The balance property: no partition could go to another subscriber with two or more fewer partitions. */
    private static void assertNoMoveNarrowsAGap(Map<String, Set<Uuid>> subs, Map<String, Map<Uuid, Set<Integer>>> result) {
        result.forEach((owner, assignment) -> assignment.forEach((topic, ps) -> subs.forEach((other, topics) -> {
            if (topics.contains(topic)) {
                assertThat(count(result.get(other))).as("%s (%d) could take %s from %s (%d)", other,
                        count(result.get(other)), topic, owner, count(assignment))
                        .isGreaterThanOrEqualTo(count(assignment) - 1);
            }
        })));
    }

    private record IntSummary(int min, int max, int sum) {
        static IntSummary of(int[] values) {
            int min = Integer.MAX_VALUE;
            int max = Integer.MIN_VALUE;
            int sum = 0;
            for (int v : values) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
            }
            return new IntSummary(min, max, sum);
        }
    }
}
