package io.spillway.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * Consumer-group numbers for a broker at a bootstrap address: how long a stable group of two takes
 * to rebalance to three when a member joins (join → every member polling with its new assignment),
 * and how many offset commits per second one member sustains (commitSync of all its partitions).
 *
 * <p>Usage: {@code GroupPerf --bootstrap HOST:PORT [--protocol classic|consumer] [--seconds N]}.
 */
public final class GroupPerf {
    private static final int PARTITIONS = 12;

    private GroupPerf() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, List.of(), List.of("--bootstrap", "--protocol", "--seconds"));
        String bootstrap = args.get("--bootstrap", null);
        if (bootstrap == null) {
            throw new IllegalArgumentException("Usage: GroupPerf --bootstrap HOST:PORT [--protocol classic|consumer] [--seconds N]");
        }
        String protocol = args.get("--protocol", "classic");
        int seconds = args.getInt("--seconds", 10);
        String topic = "group-perf-" + UUID.randomUUID();
        Properties admin = new Properties();
        admin.put("bootstrap.servers", bootstrap);
        try (Admin a = Admin.create(admin)) {
            a.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        System.out.printf("rebalance 2 -> 3 members (%s protocol): %d ms%n", protocol, rebalanceMs(bootstrap, topic, protocol));
        double[] commits = commitRate(bootstrap, topic, protocol, seconds);
        System.out.printf("offset commits (commitSync of %d partitions, %d s): %.0f commits/s, %.0f offsets/s%n",
                PARTITIONS, seconds, commits[0], commits[0] * PARTITIONS);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group, String protocol) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    /** Two members stable, a third subscribes; time until all three hold a share of the partitions. */
    private static long rebalanceMs(String bootstrap, String topic, String protocol) {
        String group = "rebalance-" + UUID.randomUUID();
        List<KafkaConsumer<byte[], byte[]>> members = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, group, protocol);
                c.subscribe(List.of(topic));
                members.add(c);
            }
            pollUntil(members, PARTITIONS, 60_000);
            KafkaConsumer<byte[], byte[]> third = consumer(bootstrap, group, protocol);
            long start = System.nanoTime();
            third.subscribe(List.of(topic));
            members.add(third);
            pollUntil(members, PARTITIONS, 60_000);
            return (System.nanoTime() - start) / 1_000_000;
        } finally {
            members.forEach(KafkaConsumer::close);
        }
    }

    /** Polls every member until each has partitions and together they own {@code partitions} of them. */
    private static void pollUntil(List<KafkaConsumer<byte[], byte[]>> members, int partitions, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            int total = 0;
            boolean everyone = true;
            for (KafkaConsumer<byte[], byte[]> c : members) {
                c.poll(Duration.ofMillis(20));
                total += c.assignment().size();
                everyone &= !c.assignment().isEmpty();
            }
            if (everyone && total == partitions) {
                return;
            }
        }
        throw new IllegalStateException("group did not settle within " + timeoutMs + " ms");
    }

    private static double[] commitRate(String bootstrap, String topic, String protocol, int seconds) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, "commits-" + UUID.randomUUID(), protocol)) {
            c.subscribe(List.of(topic));
            pollUntil(List.of(c), PARTITIONS, 60_000);
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long commits = 0;
            long start = System.nanoTime();
            while (System.nanoTime() < end) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (TopicPartition tp : c.assignment()) {
                    offsets.put(tp, new OffsetAndMetadata(commits));
                }
                c.commitSync(offsets);
                commits++;
            }
            return new double[] {commits / ((System.nanoTime() - start) / 1e9)};
        }
    }
}
