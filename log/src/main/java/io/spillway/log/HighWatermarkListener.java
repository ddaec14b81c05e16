package io.spillway.log;

/** Told whenever new records of a partition become visible to consumers (long-poll fetches wait on it). */
@FunctionalInterface
public interface HighWatermarkListener {
    /** Called on the shared log's durability-completion thread (or an appender's); must be quick and must not block. */
    void onAdvance(PartitionLog partition);

    HighWatermarkListener NONE = partition -> { };
}
