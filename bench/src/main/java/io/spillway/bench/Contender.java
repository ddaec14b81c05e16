package io.spillway.bench;

import java.nio.file.Path;
import java.util.Map;

/**
 * One column of the side-by-side comparison: a broker with a durability setting. Each run starts a fresh
 * broker on a fresh data directory, so runs do not inherit each other's page cache, files or state.
 */
enum Contender {
    SPILLWAY("Spillway", "fsync before ack (default)", "fsync before ack and of every commit marker (default)"),
    KAFKA("Kafka", "no fsync before ack (default)", "no fsync before ack or of markers (default)"),
    KAFKA_FSYNC("Kafka flush.messages=1", "fsync before ack", "fsync before ack and of every marker");

    private final String title;
    private final String durability;
    private final String transactionDurability;

    Contender(String title, String durability, String transactionDurability) {
        this.title = title;
        this.durability = durability;
        this.transactionDurability = transactionDurability;
    }

    /** Column title, e.g. "Kafka flush.messages=1". */
    String title() {
        return title;
    }

    /** What an acknowledgement means for this column. */
    String durability() {
        return durability;
    }

    /**
     * What a committed transaction means for this column: Spillway fsyncs the transaction's state and every commit
     * marker before the transaction counts as complete; Kafka with {@code log.flush.interval.messages=1} fsyncs
     * every append, markers and {@code __transaction_state} included; default Kafka fsyncs none of them.
     */
    String transactionDurability() {
        return transactionDurability;
    }

    /** Command-line name: spillway, kafka, kafka-fsync. */
    String key() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    boolean isKafka() {
        return this != SPILLWAY;
    }

    static Contender parse(String key) {
        for (Contender c : values()) {
            if (c.key().equals(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown target " + key + " (spillway, kafka, kafka-fsync)");
    }

    /** Starts this broker with {@code heap} as its maximum heap. */
    Target start(Path repoRoot, String heap, Path logDir) {
        if (this == SPILLWAY) {
            return SpillwayTarget.start(new SpillwayTarget.Options().repoRoot(repoRoot).heap(heap).logDir(logDir)
                    .settings(Map.of()));
        }
        return KafkaTarget.start(new KafkaTarget.Options().repoRoot(repoRoot).heap(heap).logDir(logDir)
                .flushEveryMessage(this == KAFKA_FSYNC).label(key()));
    }

    /** The broker's data directory. */
    static Path dataDir(Target t) {
        if (t instanceof SpillwayTarget s) {
            return s.dataDir();
        }
        if (t instanceof KafkaTarget k) {
            return k.dataDir();
        }
        throw new IllegalArgumentException("no data directory for " + t.name());
    }

    /** Whether the broker process is still running. */
    static boolean isAlive(Target t) {
        return t.pid().isEmpty() || ProcessHandle.of(t.pid().getAsLong()).map(ProcessHandle::isAlive).orElse(false);
    }
}
