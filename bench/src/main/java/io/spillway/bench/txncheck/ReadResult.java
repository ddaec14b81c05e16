package io.spillway.bench.txncheck;

import java.util.List;
import java.util.Map;

/**
 * Everything one reader saw of the topic, in partition order and, within a partition, in offset order.
 *
 * @param isolation      "read_committed" or "read_uncommitted"
 * @param records        the records that decoded as {@link TxnRecord}s
 * @param foreignRecords records whose value was not one of ours (never expected)
 * @param endOffsets     the offsets the reader read up to, per partition
 * @param complete       true if it reached {@code endOffsets} on every partition within its time bound
 * @param problems       errors the reader met (empty when none)
 */
public record ReadResult(String isolation, List<Observed> records, long foreignRecords, Map<Integer, Long> endOffsets,
                         boolean complete, List<String> problems) {

    public ReadResult {
        records = List.copyOf(records);
        endOffsets = Map.copyOf(endOffsets);
        problems = List.copyOf(problems);
    }
}
