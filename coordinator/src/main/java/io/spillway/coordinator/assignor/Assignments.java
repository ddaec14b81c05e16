package io.spillway.coordinator.assignor;

import org.apache.kafka.common.Uuid;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Helpers for partition assignments keyed by topic id: {@code topic id → partitions} (targets) and
 * {@code topic id → partition → epoch} (what a member owns). Frozen copies are unmodifiable, sorted
 * and carry no empty topics, so equal assignments are equal maps.
 */
public final class Assignments {
    private Assignments() {
    }

    public static Map<Uuid, Set<Integer>> freeze(Map<Uuid, ? extends Set<Integer>> partitions) {
        Map<Uuid, Set<Integer>> copy = new TreeMap<>();
        partitions.forEach((topicId, set) -> {
            if (!set.isEmpty()) {
                copy.put(topicId, Collections.unmodifiableSet(new TreeSet<>(set)));
            }
        });
        return Collections.unmodifiableMap(copy);
    }

    public static Map<Uuid, Map<Integer, Integer>> freezeWithEpochs(Map<Uuid, ? extends Map<Integer, Integer>> partitions) {
        Map<Uuid, Map<Integer, Integer>> copy = new TreeMap<>();
        partitions.forEach((topicId, epochs) -> {
            if (!epochs.isEmpty()) {
                copy.put(topicId, Collections.unmodifiableMap(new TreeMap<>(epochs)));
            }
        });
        return Collections.unmodifiableMap(copy);
    }

    /** The partitions of an assignment with epochs, without the epochs. */
    public static Map<Uuid, Set<Integer>> partitions(Map<Uuid, Map<Integer, Integer>> withEpochs) {
        Map<Uuid, Set<Integer>> out = new HashMap<>();
        withEpochs.forEach((topicId, epochs) -> out.put(topicId, epochs.keySet()));
        return freeze(out);
    }

    public static int count(Map<Uuid, ? extends Map<Integer, ?>> withEpochs) {
        return withEpochs.values().stream().mapToInt(Map::size).sum();
    }

    public static int countPartitions(Map<Uuid, ? extends Set<Integer>> partitions) {
        return partitions.values().stream().mapToInt(Set::size).sum();
    }
}
