package io.spillway.coordinator.assignor;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class RangeAssignorTest {
    private static final Uuid T1 = new Uuid(1, 1);
    private static final Uuid T2 = new Uuid(2, 2);
    private final RangeAssignor assignor = new RangeAssignor();

    private Map<String, Map<Uuid, Set<Integer>>> assign(Map<String, PartitionAssignor.MemberSpec> members,
                                                        Map<Uuid, Integer> partitions) {
        return assignor.assign(new PartitionAssignor.Spec(members, partitions::get));
    }

    private static PartitionAssignor.MemberSpec member(String instanceId, Uuid... topics) {
        return new PartitionAssignor.MemberSpec(instanceId, Set.of(topics), Map.of());
    }

    @Test
    void contiguousRangesWithTheExtraPartitionsToTheFirstMembers() {
        Map<String, PartitionAssignor.MemberSpec> members = new TreeMap<>(Map.of(
                "a", member(null, T1), "b", member(null, T1), "c", member(null, T1)));
        Map<String, Map<Uuid, Set<Integer>>> result = assign(members, Map.of(T1, 8));
        assertThat(result.get("a").get(T1)).containsExactly(0, 1, 2);
        assertThat(result.get("b").get(T1)).containsExactly(3, 4, 5);
        assertThat(result.get("c").get(T1)).containsExactly(6, 7);
    }

    @Test
    void coPartitionedTopicsGiveEachMemberTheSamePartitionNumbers() {
        Map<String, PartitionAssignor.MemberSpec> members = new TreeMap<>(Map.of(
                "a", member(null, T1, T2), "b", member(null, T1, T2)));
        Map<String, Map<Uuid, Set<Integer>>> result = assign(members, Map.of(T1, 3, T2, 3));
        assertThat(result.get("a").get(T1)).isEqualTo(result.get("a").get(T2)).containsExactly(0, 1);
        assertThat(result.get("b").get(T1)).isEqualTo(result.get("b").get(T2)).containsExactly(2);
    }

    @Test
    void staticMembersComeFirstOrderedByInstanceIdSoTheyKeepTheirRangesAcrossRestarts() {
        Map<String, PartitionAssignor.MemberSpec> before = new TreeMap<>(Map.of(
                "z-old", member("i-1", T1), "a-old", member("i-2", T1), "dynamic", member(null, T1)));
        Map<String, PartitionAssignor.MemberSpec> after = new TreeMap<>(Map.of(
                "b-new", member("i-1", T1), "y-new", member("i-2", T1), "dynamic", member(null, T1)));
        Map<String, Map<Uuid, Set<Integer>>> first = assign(before, Map.of(T1, 6));
        Map<String, Map<Uuid, Set<Integer>>> second = assign(after, Map.of(T1, 6));
        assertThat(first.get("z-old")).isEqualTo(second.get("b-new")).containsEntry(T1, Set.of(0, 1));
        assertThat(first.get("a-old")).isEqualTo(second.get("y-new")).containsEntry(T1, Set.of(2, 3));
        assertThat(first.get("dynamic")).containsEntry(T1, Set.of(4, 5));
    }

    @Test
    void membersOfTopicsTheyDoNotSubscribeToGetNothingOfThem() {
        Map<String, PartitionAssignor.MemberSpec> members = new TreeMap<>(Map.of(
                "a", member(null, T1), "b", member(null, T2), "c", member(null, T1, T2)));
        Map<String, Map<Uuid, Set<Integer>>> result = assign(members, Map.of(T1, 2, T2, 4));
        assertThat(result.get("a")).containsOnlyKeys(T1).containsEntry(T1, Set.of(0));
        assertThat(result.get("b")).containsOnlyKeys(T2).containsEntry(T2, Set.of(0, 1));
        assertThat(result.get("c")).containsEntry(T1, Set.of(1)).containsEntry(T2, Set.of(2, 3));
    }
}
