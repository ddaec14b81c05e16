package io.spillway.broker.config;

/** Where a config value comes from, with the ids of DescribeConfigs' config_source field. */
public enum ConfigSource {
    TOPIC_CONFIG(1),
    DYNAMIC_BROKER_CONFIG(2),
    DYNAMIC_DEFAULT_BROKER_CONFIG(3),
    STATIC_BROKER_CONFIG(4),
    DEFAULT_CONFIG(5),
    /** A group's own override (ConfigResource type GROUP); the Admin client calls it DYNAMIC_GROUP_CONFIG. */
    GROUP_CONFIG(8),
    /**
     * A default of the topic's stream. Kafka has no such source; it is reported with the id of
     * DYNAMIC_DEFAULT_BROKER_CONFIG, the closest: a default set at runtime above the topic.
     */
    STREAM_CONFIG(3);

    public final byte id;

    ConfigSource(int id) {
        this.id = (byte) id;
    }
}
