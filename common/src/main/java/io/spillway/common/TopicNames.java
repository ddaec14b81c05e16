package io.spillway.common;

/**
 * The rules for topic names, plain Kafka names and stream names alike.
 *
 * <p>A plain name follows Kafka: 1 to {@value #MAX_TOPIC_LENGTH} characters of ASCII letters, digits, '.', '_'
 * and '-', not "." or "..". A stream topic is named {@code /path/to/stream:topic}: the stream path is one or more
 * segments, each after a '/', each a non-empty run of those same characters other than "." and ".."; then one ':'
 * and a topic name by the plain rules. The stream path is at most {@value #MAX_STREAM_LENGTH} characters. No
 * name ever reaches a file path (storage keys partitions by number), so these rules are about clarity for
 * people and tools, not about file systems.
 *
 * <p>Stateless and thread safe.
 */
public final class TopicNames {
    public static final int MAX_TOPIC_LENGTH = 249;
    public static final int MAX_STREAM_LENGTH = 512;
    /** The group coordinator's topic: committed offsets and groups (in a stream: that stream's offsets). */
    public static final String OFFSETS_TOPIC = "__consumer_offsets";
    /** The transaction coordinator's topic. */
    public static final String TRANSACTION_STATE_TOPIC = "__transaction_state";
    /** The share coordinator's topic: share-partition state (in a stream: that of the stream's topics). */
    public static final String SHARE_STATE_TOPIC = "__share_group_state";

    private TopicNames() {
    }

    /**
     * Why {@code name} is not a valid topic name, or null when it is. The reason names the rule broken and
     * where, so that it can go to the client as it is.
     */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "Topic name is empty";
        }
        if (name.charAt(0) != '/') {
            return topicProblem(name, name);
        }
        int colon = name.indexOf(':');
        if (colon < 0) {
            return "\"" + name + "\" names a stream, not a topic: a topic in it is named " + name + ":topic (e.g. "
                    + "/apps/fraud:card-activity); the stream itself is managed as a config resource (docs/streams.md)";
        }
        if (name.indexOf(':', colon + 1) >= 0) {
            return "Topic name \"" + name + "\" has more than one ':'; a stream topic is /path/to/stream:topic";
        }
        String stream = name.substring(0, colon);
        String problem = streamProblem(stream);
        return problem != null ? "Topic name \"" + name + "\": " + problem
                : topicProblem(name.substring(colon + 1), name);
    }

    /** Why {@code stream} is not a valid stream path, or null when it is. */
    public static String streamProblem(String stream) {
        if (stream.length() > MAX_STREAM_LENGTH) {
            return "the stream path is longer than " + MAX_STREAM_LENGTH + " characters";
        }
        if (stream.length() < 2 || stream.charAt(0) != '/') {
            return "the stream path must start with '/' and name at least one segment";
        }
        int start = 1;
        while (start <= stream.length()) {
            int slash = stream.indexOf('/', start);
            int end = slash < 0 ? stream.length() : slash;
            String segment = stream.substring(start, end);
            if (segment.isEmpty()) {
                return "the stream path \"" + stream + "\" has an empty segment (no '//' and no '/' at its end)";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "the stream path \"" + stream + "\" has a \"" + segment + "\" segment";
            }
            int bad = firstIllegal(segment);
            if (bad >= 0) {
                return "the stream path \"" + stream + "\" contains '" + segment.charAt(bad) + "'; path segments may "
                        + "contain only ASCII letters, digits, '.', '_' and '-'";
            }
            start = end + 1;
        }
        return null;
    }

    private static String topicProblem(String topic, String whole) {
        String prefix = topic.equals(whole) ? "Topic name \"" + whole + "\"" : "Topic name \"" + whole + "\": the topic";
        if (topic.isEmpty()) {
            return prefix + " after ':' is empty";
        }
        if (topic.equals(".") || topic.equals("..")) {
            return prefix + " cannot be \".\" or \"..\"";
        }
        if (topic.length() > MAX_TOPIC_LENGTH) {
            return prefix + " is longer than " + MAX_TOPIC_LENGTH + " characters";
        }
        int bad = firstIllegal(topic);
        if (bad >= 0) {
            return prefix + " contains '" + topic.charAt(bad) + "'; only ASCII letters, digits, '.', '_' and '-' are "
                    + "allowed" + (topic.equals(whole) ? " (and /path/to/stream:topic for a stream topic)" : "");
        }
        return null;
    }

    private static int firstIllegal(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether only the broker writes the topic: Kafka's internal topics and each stream's own
     * {@value #OFFSETS_TOPIC} and {@value #SHARE_STATE_TOPIC}, which hold the committed offsets and the
     * share-partition state of the stream's topics. Clients see them marked internal, may read but not produce to
     * them, and regular-expression subscriptions skip them.
     */
    public static boolean isInternal(String kafkaName) {
        return isStreamInternalTopic(kafkaName) || kafkaName.equals(OFFSETS_TOPIC)
                || kafkaName.equals(TRANSACTION_STATE_TOPIC) || kafkaName.equals(SHARE_STATE_TOPIC);
    }

    /**
     * Whether the name is one of a stream's own coordinator topics ({@code /path/stream:__consumer_offsets},
     * {@code /path/stream:__share_group_state}), which only the broker makes and which go only with the stream.
     */
    public static boolean isStreamInternalTopic(String kafkaName) {
        return isStreamOffsetsTopic(kafkaName) || isStreamShareStateTopic(kafkaName);
    }

    /** Whether the name is a stream's own {@code /path/stream:__consumer_offsets}, which only the broker makes. */
    public static boolean isStreamOffsetsTopic(String kafkaName) {
        return isInStreamNamed(kafkaName, OFFSETS_TOPIC);
    }

    /** Whether the name is a stream's own {@code /path/stream:__share_group_state}, which only the broker makes. */
    public static boolean isStreamShareStateTopic(String kafkaName) {
        return isInStreamNamed(kafkaName, SHARE_STATE_TOPIC);
    }

    private static boolean isInStreamNamed(String kafkaName, String topic) {
        int colon = kafkaName.startsWith("/") ? kafkaName.lastIndexOf(':') : -1;
        return colon > 0 && kafkaName.length() - colon - 1 == topic.length() && kafkaName.endsWith(topic);
    }

    /** The topic that holds the committed offsets of a stream's topics: {@code /path/stream:__consumer_offsets}. */
    public static String offsetsTopicOf(String streamPath) {
        return streamPath + ":" + OFFSETS_TOPIC;
    }

    /** The topic that holds the share-partition state of a stream's topics: {@code /path/stream:__share_group_state}. */
    public static String shareStateTopicOf(String streamPath) {
        return streamPath + ":" + SHARE_STATE_TOPIC;
    }

    /**
     * The key under which names collide: as in Kafka, '.' and '_' are the same character here (metric names
     * cannot tell them apart), within one stream. Null for a name without either, which collides with nothing.
     */
    public static String collisionKey(String name) {
        int colon = name.charAt(0) == '/' ? name.indexOf(':') : -1;
        String topic = name.substring(colon + 1);
        if (topic.indexOf('.') < 0 && topic.indexOf('_') < 0) {
            return null;
        }
        return name.substring(0, colon + 1) + topic.replace('.', '_');
    }
}
