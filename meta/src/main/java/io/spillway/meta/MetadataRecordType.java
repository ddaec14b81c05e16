package io.spillway.meta;

/**
 * The kinds of record in the metadata log, with stable ids that are persisted (never renumber).
 * Each record carries a version byte; readers accept every version they were written with.
 */
enum MetadataRecordType {
    CLUSTER(1),
    TOPIC_CREATED(2),
    TOPIC_DELETED(3),
    PARTITIONS_ADDED(4),
    TOPIC_CONFIGS_SET(5),
    LOG_STARTS(6),
    PRODUCER_IDS_RESERVED(7),
    BROKER_CONFIGS_SET(8),
    STREAM_CREATED(9),
    STREAM_CONFIGS_SET(10),
    STREAM_DELETED(11),
    TOPIC_RENAMED(12),
    SCRAM_CREDENTIAL_SET(13),
    SCRAM_CREDENTIAL_DELETED(14),
    ACL_CREATED(15),
    ACL_DELETED(16),
    CLIENT_QUOTAS_SET(17),
    GROUP_CONFIGS_SET(18);

    final byte id;

    MetadataRecordType(int id) {
        this.id = (byte) id;
    }

    static MetadataRecordType of(byte id) {
        for (MetadataRecordType type : values()) {
            if (type.id == id) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown metadata record type " + id);
    }
}
