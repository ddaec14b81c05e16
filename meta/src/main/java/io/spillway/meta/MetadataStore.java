package io.spillway.meta;

import io.spillway.common.TopicNames;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The node's metadata (cluster id, topics, partition counts, topic, broker and group config overrides, log
 * start offsets, reserved producer ids, users' SCRAM credentials, ACL bindings) as records in an fsynced
 * {@link MetadataLog}; state changes only by appending a record and then applying it, and opening replays
 * the records.
 *
 * <p>Thread safe: changes are serialised by this object's monitor; lookups read concurrent maps.
 */
public final class MetadataStore implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(MetadataStore.class);
    private static final long PRODUCER_ID_BLOCK = 1000;
    /** Rewrite the log as a snapshot at open when it has grown past this and twice the snapshot. */
    private static final long COMPACT_THRESHOLD_BYTES = 4L * 1024 * 1024;
    /** The SASL mechanisms a SCRAM credential can be for. */
    public static final Set<String> SCRAM_MECHANISMS = Set.of("SCRAM-SHA-256", "SCRAM-SHA-512");

    private final MetadataLog file;
    /**
     * In name order, so that listing from a name (DescribeTopicPartitions' cursor) costs the page, not a sort of
     * every topic; a lookup is a few dozen string comparisons at a million topics.
     */
    private final ConcurrentNavigableMap<String, TopicMetadata> topicsByName = new ConcurrentSkipListMap<>();
    /** Names with '.' or '_' by {@link TopicNames#collisionKey} (only those can collide), guarded by this monitor. */
    private final Map<String, String> topicsByCollisionKey = new HashMap<>();
    private final Map<Uuid, TopicMetadata> topicsById;
    private final Map<String, StreamMetadata> streams = new ConcurrentHashMap<>();
    /**
     * Names that renamed topics had, to the topic's sequence: for transaction markers decided under the old name
     * (rebuilt from TOPIC_RENAMED records at open; a compacted log keeps only current names).
     */
    private final Map<String, Long> formerNames = new ConcurrentHashMap<>();
    /** Topics per stream path (the default stream included), guarded by this monitor. */
    private final Map<String, Integer> topicCounts = new HashMap<>();
    private final Map<Long, Long> logStarts = new ConcurrentHashMap<>();
    /** Dynamic broker config overrides by scope: "" for the cluster-wide default, else the node id. */
    private final Map<String, Map<String, String>> brokerConfigs = new ConcurrentHashMap<>();
    /**
     * SCRAM credentials by user, then mechanism. Only what a SCRAM server needs (salt, stored key, server key,
     * iterations), never a password or salted password. The inner maps are immutable and replaced on change, so that
     * a lookup never sees half a change.
     */
    private final Map<String, Map<String, ScramCredential>> scramCredentials = new ConcurrentHashMap<>();
    /** ACL bindings in the order they were created, guarded by this monitor. */
    private final Set<AclBinding> acls = new LinkedHashSet<>();
    /** Client quotas (user / client-id / ip entities, defaults as null names) to their quota values. */
    private final Map<ClientQuotaEntity, Map<String, Double>> clientQuotas = new ConcurrentHashMap<>();
    /** Config overrides of groups (ConfigResource type GROUP) by group id; the maps are immutable, never empty. */
    private final Map<String, Map<String, String>> groupConfigs = new ConcurrentHashMap<>();
    /** Changes with every client quota change, so readers can cache what they resolved from them. */
    private volatile long clientQuotasVersion;
    private String clusterId;
    private long nextTopicSequence = 1;
    private long nextProducerId;
    private long reservedProducerIds;

    private MetadataStore(Path directory) {
        this.file = new MetadataLog(directory.resolve("metadata.log"));
        // Sized for the topics the log can hold (a topic record is at least about 50 bytes), so that replaying a
        // million topics does not rehash these maps twenty times over.
        int expectedTopics = (int) Math.min(1 << 24, file.existingSizeBytes() / 50);
        this.topicsById = new ConcurrentHashMap<>(Math.max(16, expectedTopics));
        this.topicsBySequence = new HashMap<>(Math.max(16, expectedTopics * 4 / 3 + 1));
    }

    /** Opens (or creates) the store in {@code directory} and replays it. */
    public static MetadataStore open(Path directory) {
        MetadataStore store = new MetadataStore(directory);
        try {
            store.file.open(store::apply);
            if (store.clusterId == null) {
                store.write(List.of(new RecordWriter(MetadataRecordType.CLUSTER)
                        .writeString(Uuid.randomUuid().toString()).toBytes()));
            }
            store.compactIfLarge();
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot open the metadata store in " + directory + ": " + e.getMessage(), e);
        }
        store.nextProducerId = store.reservedProducerIds;
        log.info("Metadata store {}: cluster {}, {} topics", directory, store.clusterId, store.topicsByName.size());
        return store;
    }

    public String clusterId() {
        return clusterId;
    }

    public TopicMetadata topic(String kafkaName) {
        return topicsByName.get(kafkaName);
    }

    public TopicMetadata topic(Uuid id) {
        return topicsById.get(id);
    }

    /** The topic that had this name before it was renamed, if it still exists. */
    public TopicMetadata topicByFormerName(String kafkaName) {
        Long sequence = formerNames.get(kafkaName);
        return sequence == null ? null : topicBySequence(sequence);
    }

    private synchronized TopicMetadata topicBySequence(long sequence) {
        return topicsBySequence.get(sequence);
    }

    /** Every topic, in name order. */
    public Collection<TopicMetadata> topics() {
        return Collections.unmodifiableCollection(topicsByName.values());
    }

    /** The topics whose names are at or after {@code name}, in name order. */
    public Collection<TopicMetadata> topicsFrom(String name) {
        return Collections.unmodifiableCollection(topicsByName.tailMap(name, true).values());
    }

    /** The stream at {@code path}, or null. */
    public StreamMetadata stream(String path) {
        return streams.get(path);
    }

    public Collection<StreamMetadata> streams() {
        return Collections.unmodifiableCollection(streams.values());
    }

    /** How many topics there are in all streams: cheap at a million topics (metrics). Thread safe. */
    public int topicCount() {
        return topicsById.size();
    }

    /** How many topics the stream holds. */
    public synchronized int topicCount(String streamPath) {
        return topicCounts.getOrDefault(streamPath, 0);
    }

    /**
     * Creates a stream with its settings.
     *
     * @throws TopicExistsException if it exists
     */
    public synchronized StreamMetadata createStream(String path, Map<String, String> configs) {
        if (streams.containsKey(path)) {
            throw new TopicExistsException("Stream '" + path + "' already exists.");
        }
        write(List.of(streamRecord(MetadataRecordType.STREAM_CREATED, new StreamMetadata(path, configs))));
        return streams.get(path);
    }

    /** Replaces a stream's settings. */
    public synchronized StreamMetadata setStreamConfigs(String path, Map<String, String> configs) {
        requireStream(path);
        write(List.of(streamRecord(MetadataRecordType.STREAM_CONFIGS_SET, new StreamMetadata(path, configs))));
        return streams.get(path);
    }

    /** Forgets a stream; its topics are deleted first by the caller. */
    public synchronized void deleteStream(String path) {
        requireStream(path);
        write(List.of(new RecordWriter(MetadataRecordType.STREAM_DELETED).writeString(path).toBytes()));
    }

    private void requireStream(String path) {
        if (!streams.containsKey(path)) {
            throw new UnknownTopicOrPartitionException("Stream '" + path + "' does not exist");
        }
    }

    private static byte[] streamRecord(MetadataRecordType type, StreamMetadata stream) {
        return new RecordWriter(type).writeString(stream.path()).writeMap(stream.configs()).toBytes();
    }

    /** The persisted log start offset of a partition (0 if it never moved). */
    public long logStartOffset(long partitionKey) {
        return logStarts.getOrDefault(partitionKey, 0L);
    }

    /**
     * Dynamic broker config overrides of a scope: {@code ""} for the cluster-wide default
     * (DYNAMIC_DEFAULT_BROKER_CONFIG), a node id for that node (DYNAMIC_BROKER_CONFIG).
     */
    public Map<String, String> brokerConfigs(String scope) {
        return brokerConfigs.getOrDefault(scope, Map.of());
    }

    /** A topic to create: its Kafka name, partition count and config overrides. */
    public record NewTopic(String kafkaName, int partitions, Map<String, String> configs) {
    }

    /**
     * Creates topics with one fsynced write.
     *
     * @throws TopicExistsException if any of them exists (then none is created)
     */
    public synchronized List<TopicMetadata> createTopics(List<NewTopic> newTopics) {
        List<byte[]> records = new ArrayList<>();
        List<TopicMetadata> created = new ArrayList<>();
        long sequence = nextTopicSequence;
        Map<String, String> collidingInRequest = new HashMap<>();
        for (NewTopic t : newTopics) {
            if (topicsByName.containsKey(t.kafkaName())) {
                throw new TopicExistsException("Topic '" + t.kafkaName() + "' already exists.");
            }
            String key = TopicNames.collisionKey(t.kafkaName());
            if (key != null) {
                String existing = topicsByCollisionKey.getOrDefault(key, collidingInRequest.get(key));
                if (existing != null) {
                    throw new InvalidTopicException("Topic '" + t.kafkaName() + "' collides with existing topic: "
                            + existing + " (names that differ only in '.' and '_' cannot both exist in a stream)");
                }
                collidingInRequest.put(key, t.kafkaName());
            }
            TopicMetadata topic = new TopicMetadata(Uuid.randomUuid(), sequence++, t.kafkaName(),
                    t.partitions(), t.configs());
            created.add(topic);
            records.add(topicCreated(topic));
        }
        write(records);
        // the applied instances, not the ones built here: those hold the request's copy of each name, which would
        // keep a second string per topic alive in whoever holds the returned topic (a partition log does)
        return created.stream().map(t -> topicsById.get(t.id())).toList();
    }

    public synchronized void deleteTopic(Uuid id) {
        TopicMetadata topic = requireTopic(id);
        write(List.of(new RecordWriter(MetadataRecordType.TOPIC_DELETED).writeLong(topic.sequence()).toBytes()));
    }

    /**
     * Gives a topic a new name (in the same or another stream) and a new id; its partitions, data and configs
     * stay. The caller has checked the new name.
     *
     * @throws TopicExistsException if the new name is taken
     */
    public synchronized TopicMetadata renameTopic(Uuid id, String newName) {
        TopicMetadata topic = requireTopic(id);
        if (topicsByName.containsKey(newName)) {
            throw new TopicExistsException("Topic '" + newName + "' already exists.");
        }
        String key = TopicNames.collisionKey(newName);
        String colliding = key == null ? null : topicsByCollisionKey.get(key);
        if (colliding != null && !colliding.equals(topic.kafkaName())) {
            throw new InvalidTopicException("Topic '" + newName + "' collides with existing topic: " + colliding
                    + " (names that differ only in '.' and '_' cannot both exist in a stream)");
        }
        Uuid newId = Uuid.randomUuid();
        write(List.of(new RecordWriter(MetadataRecordType.TOPIC_RENAMED).writeLong(topic.sequence())
                .writeLong(newId.getMostSignificantBits()).writeLong(newId.getLeastSignificantBits())
                .writeString(newName).toBytes()));
        return topicsById.get(newId);
    }

    public synchronized TopicMetadata addPartitions(Uuid id, int newCount) {
        TopicMetadata topic = requireTopic(id);
        write(List.of(new RecordWriter(MetadataRecordType.PARTITIONS_ADDED)
                .writeLong(topic.sequence()).writeInt(newCount).toBytes()));
        return topicsById.get(id);
    }

    /** Replaces a topic's config overrides. */
    public synchronized TopicMetadata setTopicConfigs(Uuid id, Map<String, String> configs) {
        TopicMetadata topic = requireTopic(id);
        write(List.of(new RecordWriter(MetadataRecordType.TOPIC_CONFIGS_SET)
                .writeLong(topic.sequence()).writeMap(configs).toBytes()));
        return topicsById.get(id);
    }

    /** Replaces the dynamic broker config overrides of a scope (see {@link #brokerConfigs(String)}). */
    public synchronized void setBrokerConfigs(String scope, Map<String, String> configs) {
        write(List.of(new RecordWriter(MetadataRecordType.BROKER_CONFIGS_SET).writeString(scope).writeMap(configs).toBytes()));
    }

    /**
     * A user's SCRAM credential for a mechanism ({@link #SCRAM_MECHANISMS}), or null when there is none. The
     * returned credential is a copy.
     */
    public ScramCredential scramCredential(String user, String mechanism) {
        if (user == null || mechanism == null) {
            return null;
        }
        ScramCredential credential = scramCredentials.getOrDefault(user, Map.of()).get(mechanism);
        return credential == null ? null : copy(credential);
    }

    /** Every user with a SCRAM credential, in name order, to its mechanisms (in name order) and their iterations. */
    public Map<String, Map<String, Integer>> scramUsers() {
        Map<String, Map<String, Integer>> users = new TreeMap<>();
        scramCredentials.forEach((user, credentials) -> {
            Map<String, Integer> mechanisms = new TreeMap<>();
            credentials.forEach((mechanism, credential) -> mechanisms.put(mechanism, credential.iterations()));
            users.put(user, Collections.unmodifiableMap(mechanisms));
        });
        return Collections.unmodifiableMap(users);
    }

    /**
     * Creates or replaces a user's SCRAM credential for a mechanism, durably. Takes what a SCRAM server keeps (RFC
     * 5802: the salt, StoredKey and ServerKey derived from the salted password, and the iteration count); the password
     * itself is never stored.
     *
     * @throws IllegalArgumentException for an empty user name, a mechanism not in {@link #SCRAM_MECHANISMS}, a
     *     missing or empty salt or key, or iterations below 1
     */
    public synchronized void setScramCredential(String user, String mechanism, byte[] salt, byte[] storedKey,
                                                byte[] serverKey, int iterations) {
        write(List.of(scramCredentialSet(user, mechanism, salt, storedKey, serverKey, iterations)));
    }

    /**
     * Like {@link #setScramCredential} but only when the user has no credential for that mechanism yet.
     *
     * @return whether it was set
     */
    public synchronized boolean setScramCredentialIfAbsent(String user, String mechanism, byte[] salt,
                                                           byte[] storedKey, byte[] serverKey, int iterations) {
        byte[] record = scramCredentialSet(user, mechanism, salt, storedKey, serverKey, iterations);
        if (scramCredentials.getOrDefault(user, Map.of()).containsKey(mechanism)) {
            return false;
        }
        write(List.of(record));
        return true;
    }

    /**
     * Deletes a user's SCRAM credential for a mechanism, durably.
     *
     * @return whether there was one
     */
    public synchronized boolean deleteScramCredential(String user, String mechanism) {
        if (!scramCredentials.getOrDefault(user, Map.of()).containsKey(mechanism)) {
            return false;
        }
        write(List.of(new RecordWriter(MetadataRecordType.SCRAM_CREDENTIAL_DELETED).writeString(user)
                .writeString(mechanism).toBytes()));
        return true;
    }

    private static byte[] scramCredentialSet(String user, String mechanism, byte[] salt, byte[] storedKey,
                                             byte[] serverKey, int iterations) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("A SCRAM credential needs a user name");
        }
        if (!SCRAM_MECHANISMS.contains(mechanism)) {
            throw new IllegalArgumentException("Unknown SCRAM mechanism '" + mechanism + "'; expected one of "
                    + new TreeSet<>(SCRAM_MECHANISMS));
        }
        if (salt == null || salt.length == 0 || storedKey == null || storedKey.length == 0 || serverKey == null
                || serverKey.length == 0) {
            throw new IllegalArgumentException("The " + mechanism + " credential of user '" + user
                    + "' needs a salt, a stored key and a server key");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("The " + mechanism + " credential of user '" + user
                    + "' needs a positive iteration count, not " + iterations);
        }
        return new RecordWriter(MetadataRecordType.SCRAM_CREDENTIAL_SET).writeString(user).writeString(mechanism)
                .writeBytes(salt).writeBytes(storedKey).writeBytes(serverKey).writeInt(iterations).toBytes();
    }

    private static ScramCredential copy(ScramCredential c) {
        return new ScramCredential(c.salt().clone(), c.storedKey().clone(), c.serverKey().clone(), c.iterations());
    }

    /** Every ACL binding, in the order they were created; a copy. */
    public synchronized List<AclBinding> acls() {
        return List.copyOf(acls);
    }

    /**
     * Adds ACL bindings durably, with one fsynced write. A binding that exists already, or that the list holds more
     * than once, is stored once.
     *
     * @return the bindings that were not there before, in list order
     * @throws IllegalArgumentException for a binding that is not one concrete ACL (see {@link #checkAcl}); then
     *     none is added
     */
    public synchronized List<AclBinding> createAcls(List<AclBinding> bindings) {
        Set<AclBinding> added = new LinkedHashSet<>();
        for (AclBinding binding : bindings) {
            checkAcl(binding);
            if (!acls.contains(binding)) {
                added.add(binding);
            }
        }
        writeAcls(MetadataRecordType.ACL_CREATED, added);
        return List.copyOf(added);
    }

    /**
     * Removes exactly these ACL bindings durably, with one fsynced write; bindings that do not exist are ignored.
     *
     * @return the bindings that existed and are now gone, in list order
     */
    public synchronized List<AclBinding> deleteAcls(List<AclBinding> bindings) {
        Set<AclBinding> removed = new LinkedHashSet<>();
        for (AclBinding binding : bindings) {
            if (acls.contains(binding)) {
                removed.add(binding);
            }
        }
        writeAcls(MetadataRecordType.ACL_DELETED, removed);
        return List.copyOf(removed);
    }

    private void writeAcls(MetadataRecordType type, Collection<AclBinding> bindings) {
        if (!bindings.isEmpty()) {
            write(bindings.stream().map(binding -> aclRecord(type, binding)).toList());
        }
    }

    /**
     * A stored ACL is concrete: a resource type that is neither UNKNOWN nor ANY, a LITERAL or PREFIXED pattern with a
     * non-empty name, an operation that is neither UNKNOWN nor ANY, ALLOW or DENY, and a principal and host (the
     * authorizer checks what they look like).
     */
    private static void checkAcl(AclBinding binding) {
        if (binding == null) {
            throw new IllegalArgumentException("An ACL binding cannot be null");
        }
        ResourcePattern pattern = binding.pattern();
        AccessControlEntry entry = binding.entry();
        if (pattern.resourceType() == ResourceType.UNKNOWN || pattern.resourceType() == ResourceType.ANY
                || (pattern.patternType() != PatternType.LITERAL && pattern.patternType() != PatternType.PREFIXED)
                || pattern.name() == null || pattern.name().isEmpty()
                || entry.operation() == AclOperation.UNKNOWN || entry.operation() == AclOperation.ANY
                || (entry.permissionType() != AclPermissionType.ALLOW && entry.permissionType() != AclPermissionType.DENY)
                || entry.principal() == null || entry.host() == null) {
            throw new IllegalArgumentException("Not a concrete ACL binding: " + binding);
        }
    }

    /**
     * ACL_CREATED and ACL_DELETED: resource type, resource name, pattern type, principal, host, operation and
     * permission type, the enums as their Kafka codes (int8).
     */
    private static byte[] aclRecord(MetadataRecordType type, AclBinding binding) {
        return new RecordWriter(type).writeByte(binding.pattern().resourceType().code())
                .writeString(binding.pattern().name()).writeByte(binding.pattern().patternType().code())
                .writeString(binding.entry().principal()).writeString(binding.entry().host())
                .writeByte(binding.entry().operation().code()).writeByte(binding.entry().permissionType().code())
                .toBytes();
    }

    private static AclBinding readAcl(RecordReader in) {
        ResourceType resourceType = ResourceType.fromCode(in.readByte());
        String name = in.readString();
        PatternType patternType = PatternType.fromCode(in.readByte());
        String principal = in.readString();
        String host = in.readString();
        AclOperation operation = AclOperation.fromCode(in.readByte());
        AclPermissionType permissionType = AclPermissionType.fromCode(in.readByte());
        return new AclBinding(new ResourcePattern(resourceType, name, patternType),
                new AccessControlEntry(principal, host, operation, permissionType));
    }

    /** Every entity with client quotas, to its quotas (key to value); a copy. */
    public Map<ClientQuotaEntity, Map<String, Double>> clientQuotas() {
        return Map.copyOf(clientQuotas);
    }

    /** An entity's quotas (key to value), empty when it has none. */
    public Map<String, Double> clientQuotas(ClientQuotaEntity entity) {
        return clientQuotas.getOrDefault(entity, Map.of());
    }

    /** A number that changes whenever a client quota changes. */
    public long clientQuotasVersion() {
        return clientQuotasVersion;
    }

    /**
     * Replaces the quotas of entities durably, with one fsynced write: each entity gets exactly the quotas given
     * (an empty map removes all of its quotas). The caller validates entities, keys and values.
     */
    public synchronized void setClientQuotas(Map<ClientQuotaEntity, Map<String, Double>> quotasByEntity) {
        if (!quotasByEntity.isEmpty()) {
            write(quotasByEntity.entrySet().stream().map(e -> clientQuotasRecord(e.getKey(), e.getValue())).toList());
        }
    }

    /**
     * CLIENT_QUOTAS_SET: the entity (count, then per part its type, whether it is the default, and its name), then
     * all of the entity's quotas as a map of key to the value's decimal text.
     */
    private static byte[] clientQuotasRecord(ClientQuotaEntity entity, Map<String, Double> quotas) {
        RecordWriter record = new RecordWriter(MetadataRecordType.CLIENT_QUOTAS_SET).writeInt(entity.entries().size());
        new TreeMap<>(entity.entries()).forEach((type, name) ->
                record.writeString(type).writeByte(name == null ? 1 : 0).writeString(name == null ? "" : name));
        Map<String, String> values = new TreeMap<>();
        quotas.forEach((key, value) -> values.put(key, Double.toString(value)));
        return record.writeMap(values).toBytes();
    }

    private void applyClientQuotas(RecordReader in) {
        int parts = in.readInt();
        Map<String, String> entries = new HashMap<>();
        for (int i = 0; i < parts; i++) {
            String type = in.readString();
            boolean isDefault = in.readByte() != 0;
            String name = in.readString();
            entries.put(type, isDefault ? null : name);
        }
        Map<String, Double> quotas = new HashMap<>();
        in.readMap().forEach((key, value) -> quotas.put(key, Double.parseDouble(value)));
        ClientQuotaEntity entity = new ClientQuotaEntity(entries);
        if (quotas.isEmpty()) {
            clientQuotas.remove(entity);
        } else {
            clientQuotas.put(entity, Map.copyOf(quotas));
        }
        clientQuotasVersion++;
    }

    /** A group's config overrides (ConfigResource type GROUP), empty when it has none. */
    public Map<String, String> groupConfigs(String groupId) {
        return groupConfigs.getOrDefault(groupId, Map.of());
    }

    /**
     * Replaces a group's config overrides durably (an empty map removes them all). The group need not exist: as in
     * Kafka, configs may be set before its first member joins. The caller validates names and values.
     */
    public synchronized void setGroupConfigs(String groupId, Map<String, String> configs) {
        write(List.of(groupConfigsRecord(groupId, configs)));
    }

    /** GROUP_CONFIGS_SET: the group id, then all of its overrides as a map. */
    private static byte[] groupConfigsRecord(String groupId, Map<String, String> configs) {
        return new RecordWriter(MetadataRecordType.GROUP_CONFIGS_SET).writeString(groupId)
                .writeMap(new TreeMap<>(configs)).toBytes();
    }

    private void applyGroupConfigs(RecordReader in) {
        String groupId = in.readString();
        Map<String, String> configs = in.readMap();
        if (configs.isEmpty()) {
            groupConfigs.remove(groupId);
        } else {
            groupConfigs.put(groupId, Map.copyOf(configs));
        }
    }

    /** Durably records new log start offsets; returns once they are synced. */
    public synchronized void persistLogStarts(Map<Long, Long> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        RecordWriter record = new RecordWriter(MetadataRecordType.LOG_STARTS).writeInt(offsets.size());
        offsets.forEach((key, offset) -> record.writeLong(key).writeLong(offset));
        write(List.of(record.toBytes()));
    }

    /** A producer id never handed out before, also across restarts. */
    public synchronized long allocateProducerId() {
        if (nextProducerId >= reservedProducerIds) {
            write(List.of(new RecordWriter(MetadataRecordType.PRODUCER_IDS_RESERVED)
                    .writeLong(nextProducerId + PRODUCER_ID_BLOCK).toBytes()));
        }
        return nextProducerId++;
    }

    private TopicMetadata requireTopic(Uuid id) {
        TopicMetadata topic = topicsById.get(id);
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("Topic with id " + id + " does not exist");
        }
        return topic;
    }

    /** Appends and applies records; caller holds the monitor. */
    private void write(List<byte[]> records) {
        try {
            file.append(records);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot write the metadata store: " + e.getMessage()
                    + ". Free disk space or check the device; nothing was changed.", e);
        }
        for (byte[] record : records) {
            apply(ByteBuffer.wrap(record));
        }
    }

    private static byte[] topicCreated(TopicMetadata topic) {
        return new RecordWriter(MetadataRecordType.TOPIC_CREATED)
                .writeLong(topic.sequence())
                .writeLong(topic.id().getMostSignificantBits()).writeLong(topic.id().getLeastSignificantBits())
                .writeString(topic.kafkaName())
                .writeInt(topic.partitionCount())
                .writeMap(topic.configs())
                .toBytes();
    }

    private final Map<Long, TopicMetadata> topicsBySequence;

    private void apply(ByteBuffer body) {
        RecordReader in = new RecordReader(body);
        switch (in.type) {
            case CLUSTER -> clusterId = in.readString();
            case TOPIC_CREATED -> {
                long sequence = in.readLong();
                Uuid id = new Uuid(in.readLong(), in.readLong());
                String name = in.readString();
                int partitions = in.readInt();
                Map<String, String> configs = in.readMap();
                TopicMetadata created = new TopicMetadata(id, sequence, name, partitions, configs);
                put(created);
                topicCounts.merge(created.stream(), 1, Integer::sum);
                nextTopicSequence = Math.max(nextTopicSequence, sequence + 1);
            }
            case TOPIC_DELETED -> {
                TopicMetadata topic = topicsBySequence.remove(in.readLong());
                if (topic != null) {
                    forget(topic);
                    for (int p = 0; p < topic.partitionCount(); p++) {
                        logStarts.remove(topic.partitionKey(p));
                    }
                }
            }
            case TOPIC_RENAMED -> {
                TopicMetadata topic = topicsBySequence.get(in.readLong());
                Uuid newId = new Uuid(in.readLong(), in.readLong());
                String newName = in.readString();
                if (topic != null) {
                    forget(topic);
                    formerNames.put(topic.kafkaName(), topic.sequence());
                    TopicMetadata renamed = topic.renamed(newId, newName);
                    put(renamed);
                    topicCounts.merge(renamed.stream(), 1, Integer::sum);
                }
            }
            case PARTITIONS_ADDED -> {
                TopicMetadata topic = topicsBySequence.get(in.readLong());
                int count = in.readInt();
                if (topic != null) {
                    put(topic.withPartitionCount(count));
                }
            }
            case TOPIC_CONFIGS_SET -> {
                TopicMetadata topic = topicsBySequence.get(in.readLong());
                Map<String, String> configs = in.readMap();
                if (topic != null) {
                    put(topic.withConfigs(configs));
                }
            }
            case LOG_STARTS -> {
                int count = in.readInt();
                for (int i = 0; i < count; i++) {
                    long key = in.readLong();
                    long offset = in.readLong();
                    if (topicsBySequence.containsKey(TopicMetadata.sequenceOf(key))) {
                        logStarts.merge(key, offset, Math::max);
                    }
                }
            }
            case PRODUCER_IDS_RESERVED -> reservedProducerIds = Math.max(reservedProducerIds, in.readLong());
            case BROKER_CONFIGS_SET -> brokerConfigs.put(in.readString(), Map.copyOf(in.readMap()));
            case STREAM_CREATED, STREAM_CONFIGS_SET -> {
                String path = in.readString();
                streams.put(path, new StreamMetadata(path, in.readMap()));
            }
            case STREAM_DELETED -> streams.remove(in.readString());
            case SCRAM_CREDENTIAL_SET -> {
                String user = in.readString();
                String mechanism = in.readString();
                ScramCredential credential = new ScramCredential(in.readBytes(), in.readBytes(), in.readBytes(),
                        in.readInt());
                scramCredentials.compute(user, (u, credentials) -> {
                    Map<String, ScramCredential> updated = new HashMap<>(credentials == null ? Map.of() : credentials);
                    updated.put(mechanism, credential);
                    return Map.copyOf(updated);
                });
            }
            case SCRAM_CREDENTIAL_DELETED -> {
                String user = in.readString();
                String mechanism = in.readString();
                scramCredentials.computeIfPresent(user, (u, credentials) -> {
                    Map<String, ScramCredential> updated = new HashMap<>(credentials);
                    updated.remove(mechanism);
                    return updated.isEmpty() ? null : Map.copyOf(updated);
                });
            }
            case ACL_CREATED -> acls.add(readAcl(in));
            case ACL_DELETED -> acls.remove(readAcl(in));
            case CLIENT_QUOTAS_SET -> applyClientQuotas(in);
            case GROUP_CONFIGS_SET -> applyGroupConfigs(in);
            default -> throw new IllegalStateException("unhandled metadata record " + in.type);
        }
    }

    /** Removes a topic's name and id from the lookups (not its sequence: the caller decides). */
    private void forget(TopicMetadata topic) {
        topicsByName.remove(topic.kafkaName());
        String key = TopicNames.collisionKey(topic.kafkaName());
        if (key != null) {
            topicsByCollisionKey.remove(key);
        }
        topicsById.remove(topic.id());
        topicCounts.computeIfPresent(topic.stream(), (stream, n) -> n > 1 ? n - 1 : null);
    }

    private void put(TopicMetadata topic) {
        topicsBySequence.put(topic.sequence(), topic);
        topicsByName.put(topic.kafkaName(), topic);
        topicsById.put(topic.id(), topic);
        String key = TopicNames.collisionKey(topic.kafkaName());
        if (key != null) {
            topicsByCollisionKey.put(key, topic.kafkaName());
        }
    }

    /** Replaces a long history of changes by one record per live fact, once the history is large. */
    private void compactIfLarge() throws IOException {
        if (file.sizeBytes() <= COMPACT_THRESHOLD_BYTES || file.sizeBytes() <= 2 * estimatedSnapshotBytes()) {
            return;
        }
        List<byte[]> snapshot = snapshot();
        long snapshotBytes = snapshot.stream().mapToLong(record -> record.length + 8L).sum();
        if (file.sizeBytes() > 2 * snapshotBytes) {
            long before = file.sizeBytes();
            file.rewrite(snapshot);
            log.info("Compacted the metadata log from {} to {} bytes", before, file.sizeBytes());
        }
    }

    /**
     * About the size of {@link #snapshot()} (names counted as one byte a character), without building it: at a
     * million topics building the snapshot only to find it is not worth writing cost a second of every start.
     */
    private long estimatedSnapshotBytes() {
        long bytes = 1024;
        for (TopicMetadata topic : topicsBySequence.values()) {
            bytes += 8 + 1 + 8 + 16 + 2 + topic.kafkaName().length() + 4 + mapBytes(topic.configs());
        }
        for (StreamMetadata stream : streams.values()) {
            bytes += 8 + 1 + 2 + stream.path().length() + mapBytes(stream.configs());
        }
        for (Map<String, String> configs : brokerConfigs.values()) {
            bytes += 8 + 1 + 2 + mapBytes(configs);
        }
        for (Map.Entry<String, Map<String, ScramCredential>> user : scramCredentials.entrySet()) {
            for (Map.Entry<String, ScramCredential> e : user.getValue().entrySet()) {
                ScramCredential c = e.getValue();
                bytes += 8 + 2 + 2 + user.getKey().length() + 2 + e.getKey().length() + 12 + c.salt().length
                        + c.storedKey().length + c.serverKey().length + 4;
            }
        }
        for (AclBinding acl : acls) {
            bytes += 8 + 2 + 1 + 2 + acl.pattern().name().length() + 1 + 2 + acl.entry().principal().length() + 2
                    + acl.entry().host().length() + 1 + 1;
        }
        for (Map.Entry<ClientQuotaEntity, Map<String, Double>> e : clientQuotas.entrySet()) {
            bytes += 8 + 2 + 4 + 40L * e.getKey().entries().size() + 40L * e.getValue().size();
        }
        for (Map.Entry<String, Map<String, String>> e : groupConfigs.entrySet()) {
            bytes += 8 + 2 + 2 + e.getKey().length() + mapBytes(e.getValue());
        }
        return bytes + 16L * logStarts.size();
    }

    private static long mapBytes(Map<String, String> map) {
        long bytes = 4;
        for (Map.Entry<String, String> e : map.entrySet()) {
            bytes += 4 + e.getKey().length() + e.getValue().length();
        }
        return bytes;
    }

    /** The records that rebuild the current state. */
    private List<byte[]> snapshot() {
        List<byte[]> snapshot = new ArrayList<>();
        snapshot.add(new RecordWriter(MetadataRecordType.CLUSTER).writeString(clusterId).toBytes());
        snapshot.add(new RecordWriter(MetadataRecordType.PRODUCER_IDS_RESERVED).writeLong(reservedProducerIds).toBytes());
        brokerConfigs.forEach((scope, configs) -> snapshot.add(
                new RecordWriter(MetadataRecordType.BROKER_CONFIGS_SET).writeString(scope).writeMap(configs).toBytes()));
        streams.values().forEach(stream -> snapshot.add(streamRecord(MetadataRecordType.STREAM_CREATED, stream)));
        scramCredentials.forEach((user, credentials) -> credentials.forEach((mechanism, c) -> snapshot.add(
                scramCredentialSet(user, mechanism, c.salt(), c.storedKey(), c.serverKey(), c.iterations()))));
        acls.forEach(acl -> snapshot.add(aclRecord(MetadataRecordType.ACL_CREATED, acl)));
        clientQuotas.forEach((entity, quotas) -> snapshot.add(clientQuotasRecord(entity, quotas)));
        groupConfigs.forEach((groupId, configs) -> snapshot.add(groupConfigsRecord(groupId, configs)));
        for (TopicMetadata topic : topicsBySequence.values()) {
            snapshot.add(topicCreated(topic));
        }
        long newestSequence = nextTopicSequence - 1;
        if (newestSequence > 0 && !topicsBySequence.containsKey(newestSequence)) {
            // The newest topic was deleted; a created-then-deleted placeholder keeps its sequence
            // number from being handed out again (partition keys must never be reused).
            snapshot.add(new RecordWriter(MetadataRecordType.TOPIC_CREATED).writeLong(newestSequence).writeLong(0)
                    .writeLong(newestSequence).writeString("__spillway_deleted_" + newestSequence).writeInt(0)
                    .writeMap(Map.of()).toBytes());
            snapshot.add(new RecordWriter(MetadataRecordType.TOPIC_DELETED).writeLong(newestSequence).toBytes());
        }
        if (!logStarts.isEmpty()) {
            RecordWriter starts = new RecordWriter(MetadataRecordType.LOG_STARTS).writeInt(logStarts.size());
            logStarts.forEach((key, offset) -> starts.writeLong(key).writeLong(offset));
            snapshot.add(starts.toBytes());
        }
        return snapshot;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
