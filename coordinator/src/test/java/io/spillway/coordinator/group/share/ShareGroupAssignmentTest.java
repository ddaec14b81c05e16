package io.spillway.coordinator.group.share;

import io.spillway.coordinator.assignor.SimpleAssignor;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The simple share assignor's spread: every partition assigned, balanced loads and sharing, stickiness. */
class ShareGroupAssignmentTest {
    private static final Uuid TOPIC = Uuid.randomUuid();

    private static Map<String, Map<Uuid, Set<Integer>>> assign(int members, int partitions,
                                                              Map<String, Map<Uuid, Set<Integer>>> previous) {
        Map<String, Set<Uuid>> subscriptions = new TreeMap<>();
        for (int i = 0; i < members; i++) {
            subscriptions.put("m" + i, Set.of(TOPIC));
        }
        return SimpleAssignor.assign(subscriptions, Map.of(TOPIC, partitions), previous);
    }

    @ParameterizedTest(name = "{0} members on {1} partitions")
    @CsvSource({"1,1", "2,1", "3,1", "4,1", "5,1", "1,8", "2,8", "3,8", "4,8", "5,8"})
    void everyPartitionAssignedLoadsAndSharingBalanced(int members, int partitions) {
        Map<String, Map<Uuid, Set<Integer>>> result = assign(members, partitions, Map.of());

        assertThat(result).hasSize(members);
        Map<Integer, Integer> holders = new HashMap<>();
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (Map<Uuid, Set<Integer>> a : result.values()) {
            Set<Integer> mine = a.getOrDefault(TOPIC, Set.of());
            assertThat(mine).isNotEmpty();
            mine.forEach(p -> holders.merge(p, 1, Integer::sum));
            min = Math.min(min, mine.size());
            max = Math.max(max, mine.size());
        }
        assertThat(holders.keySet()).hasSize(partitions); // every partition has at least one member
        assertThat(max - min).isLessThanOrEqualTo(1);
        int sharing = (members + partitions - 1) / partitions;
        assertThat(holders.values()).allSatisfy(h -> assertThat(h).isBetween(1, sharing));
        if (members <= partitions) {
            assertThat(holders.values()).containsOnly(1); // no partition shared while there are enough
        }
    }

    @Test
    void aJoiningMemberTakesPartitionsOthersKeepTheRest() {
        Map<String, Map<Uuid, Set<Integer>>> two = assign(2, 8, Map.of());
        Map<String, Map<Uuid, Set<Integer>>> three = assign(3, 8, two);

        for (String m : two.keySet()) {
            assertThat(two.get(m).get(TOPIC)).containsAll(three.get(m).get(TOPIC)); // only gave some away
        }
        assertThat(three.get("m2").get(TOPIC)).hasSize(2);
    }

    @Test
    void differentSubscriptionsAreDealtPerTopic() {
        Uuid other = Uuid.randomUuid();
        Map<String, Map<Uuid, Set<Integer>>> result = SimpleAssignor.assign(
                Map.of("a", Set.of(TOPIC), "b", Set.of(TOPIC, other)), Map.of(TOPIC, 2, other, 3), Map.of());

        assertThat(result.get("a").get(TOPIC)).hasSize(1);
        assertThat(result.get("b").get(TOPIC)).hasSize(1);
        assertThat(result.get("b").get(other)).containsExactly(0, 1, 2);
        assertThat(result.get("a")).doesNotContainKey(other);
    }

    @Test
    void noTopicsNoPartitions() {
        assertThat(SimpleAssignor.assign(Map.of("a", Set.of()), Map.of(), Map.of()).get("a")).isEmpty();
    }
}
