package io.spillway.coordinator.runtime;

import io.spillway.log.PartitionLog;

import java.util.Collection;
import java.util.List;

/**
 * Where a coordinator keeps its records: a home partition, and one more partition per <em>place</em> for the
 * records that say they belong to one ({@link RecordSerde#place}). The group coordinator places a committed
 * offset in the stream of its topic, so that a stream's offsets live in the stream's own internal topic and go
 * wherever the stream goes (deleted, replicated); everything else stays home.
 *
 * <p>Implementations are thread safe; the runtime calls them on its event thread.
 */
public interface CoordinatorPartitions {
    /** The partition of the records that name no place. */
    PartitionLog home();

    /**
     * The partition of {@code place}, created (with the internal topic that holds it) when the place has none
     * yet; null when the place itself does not exist (a stream that was deleted), so nothing can be kept there.
     */
    PartitionLog open(String place);

    /** The partition of {@code place} if it exists now, else null. */
    PartitionLog existing(String place);

    /** Every place that has a partition now (read when the coordinator loads). */
    Collection<String> places();

    /** A coordinator whose records all stay home. */
    static CoordinatorPartitions only(PartitionLog home) {
        return new CoordinatorPartitions() {
            @Override
            public PartitionLog home() {
                return home;
            }

            @Override
            public PartitionLog open(String place) {
                return null;
            }

            @Override
            public PartitionLog existing(String place) {
                return null;
            }

            @Override
            public Collection<String> places() {
                return List.of();
            }
        };
    }
}
