package io.spillway.server;

import io.spillway.meta.config.ConfigType;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the server is started with: where data lives, where to listen, and broker configs
 * by their Kafka names ({@code num.partitions}, {@code log.retention.ms}, ...) plus Spillway's own
 * {@code spillway.*} settings. Immutable; build with {@link #builder()}.
 */
public final class ServerConfig {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 9092;
    /** The data directory when none is given, relative to the working directory. */
    public static final Path DEFAULT_DATA_DIR = Paths.get("data");

    /** Acknowledge produce only after fsync (default true). */
    public static final String FSYNC = "spillway.fsync";
    /** Size of one shared write-ahead-log segment file. */
    public static final String WAL_SEGMENT_BYTES = "spillway.wal.segment.bytes";
    /** How often the partition checkpoint is written (when anything changed); 0 turns checkpoints off. */
    public static final String CHECKPOINT_INTERVAL_MS = "spillway.checkpoint.interval.ms";
    /** Host name put in Metadata responses; defaults to the listener host. */
    public static final String ADVERTISED_HOST = "spillway.advertised.host";

    private final Path dataDir;
    private final String host;
    private final int port;
    private final Map<String, String> settings;

    private ServerConfig(Path dataDir, String host, int port, Map<String, String> settings) {
        this.dataDir = dataDir;
        this.host = host;
        this.port = port;
        this.settings = Map.copyOf(settings);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Path dataDir() {
        return dataDir;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** All key=value settings given (broker configs and spillway.* settings). */
    public Map<String, String> settings() {
        return settings;
    }

    public String get(String key, String defaultValue) {
        return settings.getOrDefault(key, defaultValue);
    }

    /** The setting as an int; a value that is not one fails naming the setting (the start-up check comes first). */
    public int getInt(String key, int defaultValue) {
        String v = settings.get(key);
        return v == null ? defaultValue : (Integer) ConfigType.INT.parse(key, v);
    }

    public long getLong(String key, long defaultValue) {
        String v = settings.get(key);
        return v == null ? defaultValue : (Long) ConfigType.LONG.parse(key, v);
    }

    /** The setting as a boolean: only true or false (any case) are accepted, never "anything else is false". */
    public boolean getBoolean(String key, boolean defaultValue) {
        String v = settings.get(key);
        return v == null ? defaultValue : (Boolean) ConfigType.BOOLEAN.parse(key, v);
    }

    @Override
    public String toString() {
        return "ServerConfig{dataDir=" + dataDir + ", listener=" + host + ":" + port + ", settings=" + settings + "}";
    }

    /** Collects settings; later calls override earlier ones. Not thread safe. */
    public static final class Builder {
        private Path dataDir = DEFAULT_DATA_DIR;
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private final Map<String, String> settings = new LinkedHashMap<>();

        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder host(String listenerHost) {
            this.host = listenerHost;
            return this;
        }

        public Builder port(int listenerPort) {
            this.port = listenerPort;
            return this;
        }

        public Builder set(String key, String value) {
            settings.put(key, value);
            return this;
        }

        public Builder setAll(Map<String, String> values) {
            settings.putAll(values);
            return this;
        }

        public ServerConfig build() {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Port " + port + " is not a TCP port (0-65535; 0 picks a free one)");
            }
            return new ServerConfig(dataDir, host, port, settings);
        }
    }
}
