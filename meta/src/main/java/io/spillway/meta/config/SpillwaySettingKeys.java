package io.spillway.meta.config;

import static io.spillway.meta.config.BrokerConfigCatalog.READ_ONLY;
import static io.spillway.meta.config.BrokerConfigCatalog.key;
import static io.spillway.meta.config.ConfigType.BOOLEAN;
import static io.spillway.meta.config.ConfigType.DOUBLE;
import static io.spillway.meta.config.ConfigType.INT;
import static io.spillway.meta.config.ConfigType.LONG;
import static io.spillway.meta.config.ConfigType.PASSWORD;
import static io.spillway.meta.config.ConfigType.STRING;
import static io.spillway.meta.config.ValueRule.atLeast;
import static io.spillway.meta.config.ValueRule.between;
import static io.spillway.meta.config.ValueRule.betweenDecimal;
import static io.spillway.meta.config.ValueRule.hostAndPort;
import static io.spillway.meta.config.ValueRule.none;

import java.util.List;
import java.util.Locale;

/**
 * Spillway's own settings: the {@code spillway.*} names, and the three launcher settings a properties file may
 * hold ({@code data.dir}, {@code listener.host}, {@code listener.port}, which {@code --data-dir}, {@code --host}
 * and {@code --port} override). All are read once at start. Part of {@link BrokerConfigCatalog}.
 */
final class SpillwaySettingKeys {
    /** The prefix of every setting Spillway adds to Kafka's; an unknown name with it stops the start. */
    static final String PREFIX = "spillway.";

    /** The launcher settings a properties file may hold besides the {@code spillway.*} ones. */
    private static final List<String> LAUNCHER = List.of("data.dir", "listener.host", "listener.port");

    private SpillwaySettingKeys() {
    }

    /** Whether {@code name} is Spillway's own (by prefix, any case, or a launcher setting), known or not. */
    static boolean owns(String name) {
        return name.toLowerCase(Locale.ROOT).startsWith(PREFIX) || LAUNCHER.contains(name);
    }

    static List<BrokerConfigKey> all() {
        return List.of(
                key("data.dir", STRING, "data", READ_ONLY, none(),
                        "Data directory, relative to the working directory (--data-dir, SPILLWAY_DATA_DIR)."),
                key("listener.host", STRING, "127.0.0.1", READ_ONLY, none(),
                        "Address of the default Kafka listener when listeners is not set (--host, SPILLWAY_HOST)."),
                key("listener.port", INT, "9092", READ_ONLY, between(0, 65535),
                        "Port of the default Kafka listener, 0 picks a free one (--port, SPILLWAY_PORT)."),
                key("spillway.advertised.host", STRING, null, READ_ONLY, none(),
                        "Host name put in Metadata responses for listeners advertised.listeners does not name; "
                                + "default: the listener's address (localhost for a wildcard one)."),
                key("spillway.checkpoint.interval.ms", LONG, "60000", READ_ONLY, atLeast(0),
                        "How often the partition checkpoint that keeps restarts short is written; 0 turns it "
                                + "(and with it compaction and segment reorganisation) off."),
                key("spillway.fetch.zero.copy", BOOLEAN, "true", READ_ONLY, none(),
                        "Send fetched disk data with sendfile instead of copying it through the heap."),
                key("spillway.fsync", BOOLEAN, "true", READ_ONLY, none(),
                        "Acknowledge a produce only after its data is fsynced to disk; false also turns off the "
                                + "partition checkpoint, and with it log compaction and segment reorganisation."),
                key("spillway.http.enable", BOOLEAN, "true", READ_ONLY, none(),
                        "Serve HTTP: web console, /metrics, /health, /ready and the REST API."),
                key("spillway.http.listener", STRING, "127.0.0.1:8080", READ_ONLY, hostAndPort(),
                        "Address of the HTTP listener, as host:port (port 0 picks a free one)."),
                key("spillway.metrics.group.series.max", INT, "100", READ_ONLY, atLeast(0),
                        "Most consumer groups /metrics reports lag for (the most lagging)."),
                key("spillway.metrics.topic.series.max", INT, "100", READ_ONLY, atLeast(0),
                        "Most topics /metrics reports traffic for (the busiest)."),
                key("spillway.sasl.bootstrap.users", PASSWORD, null, READ_ONLY, none(),
                        "SCRAM users created at start when missing, as name:password,..."),
                key("spillway.ssl.reload.check.interval.ms", LONG, "30000", READ_ONLY, atLeast(0),
                        "How often TLS key and trust store files are checked for changes; 0 = never."),
                key("spillway.storage.reorganise.interval.ms", LONG, "60000", READ_ONLY, atLeast(0),
                        "How often sparse shared-log segments are looked for and rewritten; 0 = never."),
                key("spillway.storage.reorganise.live.ratio", DOUBLE, "0.5", READ_ONLY, betweenDecimal(0, 1),
                        "A shared-log segment whose live bytes are below this share of its size is rewritten."),
                key("spillway.transaction.version", INT, "2", READ_ONLY, between(0, 2),
                        "transaction.version the broker finalizes: 2 (KIP-890), 1 or 0."),
                key("spillway.wal.segment.bytes", LONG, "268435456", READ_ONLY, atLeast(4096),
                        "Size of one shared write-ahead-log segment file, in bytes."));
    }
}
