package io.spillway.bench.txncheck;

import java.nio.file.Path;
import java.util.Locale;

/** The brokers the checker knows how to start, crash and restart. */
public enum TargetKind {
    /** Spillway, the system under test. */
    SPILLWAY,
    /** Apache Kafka, the reference the checker is validated against. */
    KAFKA;

    /** Command-line name: spillway, kafka. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Starts a fresh broker of this kind with its data and logs in {@code runDir}. */
    CrashableBroker start(Path repoRoot, Path runDir, TxnCheckSettings s) {
        return switch (this) {
            case SPILLWAY -> CrashableSpillway.start(repoRoot, runDir, s.spillwaySettings());
            case KAFKA -> CrashableKafka.start(repoRoot, runDir, s.kafkaSettings());
        };
    }

    /** Parses {@code spillway}, {@code kafka}. */
    public static TargetKind parse(String key) {
        for (TargetKind t : values()) {
            if (t.key().equals(key.trim().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown target " + key + " (spillway, kafka)");
    }
}
