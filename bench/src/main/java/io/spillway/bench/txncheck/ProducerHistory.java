package io.spillway.bench.txncheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Everything one logical producer's outcome log says, folded per transaction: the ground truth the checker holds
 * the reads against. Built once all of the producer's processes have exited. Immutable.
 *
 * @param producer     producer index
 * @param txns         every transaction it began, by transaction number
 * @param incarnations number of processes that started (START events)
 * @param readyCount   number of processes whose initTransactions() returned
 * @param errors       the details of ERROR / COMMIT_FAILED / ABORT_FAILED / SEND_FAILED events, in order
 * @param tornLines    lines that were not complete events (a process killed while writing one)
 */
public record ProducerHistory(int producer, NavigableMap<Long, TxnInfo> txns, int incarnations, int readyCount,
                              List<String> errors, int tornLines) {

    public ProducerHistory {
        txns = Collections.unmodifiableNavigableMap(new TreeMap<>(txns));
        errors = List.copyOf(errors);
    }

    /** Reads and folds an outcome log; a missing file is an empty history (the producer never started). */
    public static ProducerHistory read(int producer, Path file) throws IOException {
        if (!Files.exists(file)) {
            return new ProducerHistory(producer, new TreeMap<>(), 0, 0, List.of(), 0);
        }
        List<OutcomeEvent> events = new ArrayList<>();
        int torn = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                continue;
            }
            var e = OutcomeEvent.parse(line);
            if (e.isPresent()) {
                events.add(e.get());
            } else {
                torn++;
            }
        }
        return fold(producer, events, torn);
    }

    /**
     * Folds events (in log order) into transactions.
     *
     * @throws IllegalStateException if the log contradicts itself (an event for a transaction that never began, or
     *                               a transaction number begun twice): the harness is broken, not the broker
     */
    public static ProducerHistory fold(int producer, List<OutcomeEvent> events, int tornLines) {
        Map<Long, TxnState> states = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        int starts = 0;
        int ready = 0;
        for (OutcomeEvent e : events) {
            switch (e.kind()) {
                case START -> starts++;
                case READY -> ready++;
                case ERROR, COMMIT_FAILED, ABORT_FAILED, SEND_FAILED -> errors.add(e.kind() + " "
                        + (e.txn() == OutcomeEvent.NO_TXN ? "" : "txn " + e.txn() + " ") + "(incarnation "
                        + e.incarnation() + "): " + e.detail());
                default -> {
                }
            }
            if (e.txn() == OutcomeEvent.NO_TXN) {
                continue;
            }
            if (e.kind() == OutcomeEvent.Kind.BEGIN) {
                if (states.containsKey(e.txn())) {
                    throw new IllegalStateException("producer " + producer + " began transaction " + e.txn() + " twice");
                }
                states.put(e.txn(), new TxnState(e.incarnation(), parsePartitions(e.detail())));
                continue;
            }
            TxnState s = states.get(e.txn());
            if (s == null) {
                throw new IllegalStateException("producer " + producer + ": " + e.kind() + " for transaction " + e.txn()
                        + " that never began");
            }
            s.apply(e);
        }
        NavigableMap<Long, TxnInfo> txns = new TreeMap<>();
        states.forEach((txn, s) -> txns.put(txn, s.toInfo(new TxnId(producer, txn))));
        return new ProducerHistory(producer, txns, starts, ready, errors, tornLines);
    }

    /** The BEGIN detail {@code count=N partitions=a,b,c}. */
    static String beginDetail(List<Integer> partitions) {
        StringBuilder sb = new StringBuilder("count=").append(partitions.size()).append(" partitions=");
        for (int i = 0; i < partitions.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(partitions.get(i));
        }
        return sb.toString();
    }

    static List<Integer> parsePartitions(String beginDetail) {
        int at = beginDetail.indexOf("partitions=");
        if (at < 0) {
            throw new IllegalStateException("BEGIN without partitions: " + beginDetail);
        }
        List<Integer> out = new ArrayList<>();
        for (String p : beginDetail.substring(at + "partitions=".length()).trim().split(",")) {
            out.add(Integer.parseInt(p));
        }
        return out;
    }

    /** The highest transaction number begun, or -1. */
    public long maxTxn() {
        return txns.isEmpty() ? -1 : txns.lastKey();
    }

    /** Number of transactions with the given fate. */
    public long count(TxnFate fate) {
        return txns.values().stream().filter(t -> t.fate() == fate).count();
    }

    /** A transaction's progress while folding; mutable, local to {@link #fold}. */
    private static final class TxnState {
        private final int incarnation;
        private final List<Integer> partitions;
        private boolean commitCalled;
        private boolean committed;
        private boolean aborted;
        private String lastDetail = "";

        TxnState(int incarnation, List<Integer> partitions) {
            this.incarnation = incarnation;
            this.partitions = partitions;
        }

        void apply(OutcomeEvent e) {
            switch (e.kind()) {
                case INTEND_COMMIT -> commitCalled = true;
                case COMMITTED -> committed = true;
                case ABORTED -> aborted = true;
                default -> {
                }
            }
            if (!e.detail().isEmpty()) {
                lastDetail = e.kind() + ": " + e.detail();
            }
        }

        TxnInfo toInfo(TxnId id) {
            TxnFate fate = committed ? TxnFate.COMMITTED
                    : commitCalled ? TxnFate.IN_DOUBT
                    : aborted ? TxnFate.ABORTED
                    : TxnFate.ABANDONED;
            return new TxnInfo(id, incarnation, partitions, fate, lastDetail);
        }
    }
}
