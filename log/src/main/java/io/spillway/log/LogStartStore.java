package io.spillway.log;

import java.util.Map;

/**
 * Persists log start offsets (moved by retention and DeleteRecords) before the storage behind them
 * is released, so a crash can never bring removed records back. Implemented by the metadata layer.
 */
@FunctionalInterface
public interface LogStartStore {
    /** Durably records the new log start offset of each partition key; returns once synced. */
    void persist(Map<Long, Long> logStartOffsets);
}
