package io.spillway.coordinator.assignor;

import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The "range" server assignor: per topic, its subscribers in a fixed order each get a contiguous
 * range of partitions, the first ones one extra when the count does not divide evenly. Members that
 * subscribe to the same co-partitioned topics get the same partition numbers of each, which joins
 * need. The order is static members by instance id first, then the others by member id, so a static
 * member that restarts gets its ranges back; the assignment does not depend on the previous one.
 */
public final class RangeAssignor implements PartitionAssignor {
    public static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(Spec spec) {
        List<String> order = new ArrayList<>(spec.members().keySet());
        order.sort(Comparator.comparing((String id) -> spec.members().get(id).instanceId() == null)
                .thenComparing(id -> {
                    String instanceId = spec.members().get(id).instanceId();
                    return instanceId == null ? id : instanceId;
                }));
        Map<Uuid, List<String>> subscribers = new TreeMap<>();
        for (String memberId : order) {
            for (Uuid topicId : spec.members().get(memberId).topics()) {
                subscribers.computeIfAbsent(topicId, t -> new ArrayList<>()).add(memberId);
            }
        }
        Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
        order.forEach(id -> result.put(id, new HashMap<>()));
        subscribers.forEach((topicId, members) -> {
            int partitions = spec.partitionCounts().applyAsInt(topicId);
            int quota = partitions / members.size();
            int extra = partitions % members.size();
            int next = 0;
            for (int i = 0; i < members.size() && next < partitions; i++) {
                int size = quota + (i < extra ? 1 : 0);
                Set<Integer> range = new TreeSet<>();
                for (int p = next; p < next + size; p++) {
                    range.add(p);
                }
                next += size;
                if (!range.isEmpty()) {
                    result.get(members.get(i)).put(topicId, range);
                }
            }
        });
        Map<String, Map<Uuid, Set<Integer>>> frozen = new HashMap<>();
        result.forEach((id, a) -> frozen.put(id, Assignments.freeze(a)));
        return frozen;
    }
}
