package io.spillway.bench.txncheck;

import java.util.List;
import java.util.Map;

/**
 * How the transactions left open at the end of a run were resolved.
 *
 * @param elapsedMs      from the start of the resolution until no partition had an open transaction (or the bound)
 * @param stable         true if, in the end, every partition's last stable offset equalled its high watermark
 * @param highWatermarks the high watermarks at the end (read_uncommitted end offsets)
 * @param lastStable     the last stable offsets at the end (read_committed end offsets)
 * @param problems       what went wrong (fencing calls that failed, partitions still unstable), empty if nothing
 */
public record Resolution(long elapsedMs, boolean stable, Map<Integer, Long> highWatermarks,
                         Map<Integer, Long> lastStable, List<String> problems) {

    public Resolution {
        highWatermarks = Map.copyOf(highWatermarks);
        lastStable = Map.copyOf(lastStable);
        problems = List.copyOf(problems);
    }
}
