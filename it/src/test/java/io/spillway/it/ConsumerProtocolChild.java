package io.spillway.it;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A consumer-protocol group member in a child JVM, so that {@link ConsumerProtocolGroupTest} can kill it
 * with SIGKILL (no leave, no last commit). Arguments: bootstrap, group, topic. It polls and commits after
 * every poll until killed, and reports on stdout, each line starting with {@value #PREFIX} and the
 * {@link System#nanoTime()} of the event (one clock for all processes of the machine):
 * {@code ASSIGNED|REVOKED t p,p,..}, {@code READ t p:offset:value;..} (before committing them),
 * {@code COMMITTED t}.
 */
public final class ConsumerProtocolChild {
    static final String PREFIX = "@cp ";

    private ConsumerProtocolChild() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, args[1]);
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "20");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(args[2]), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    out.println(PREFIX + "REVOKED " + System.nanoTime() + " " + partitions(partitions));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    out.println(PREFIX + "ASSIGNED " + System.nanoTime() + " " + partitions(partitions));
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    onPartitionsRevoked(partitions);
                }
            });
            while (true) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                long readAt = System.nanoTime();
                StringJoiner read = new StringJoiner(";");
                Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                for (ConsumerRecord<String, String> r : records) {
                    read.add(r.partition() + ":" + r.offset() + ":" + r.value());
                    next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                out.println(PREFIX + "READ " + readAt + " " + read);
                try {
                    consumer.commitSync(next, Duration.ofSeconds(15));
                    out.println(PREFIX + "COMMITTED " + System.nanoTime());
                } catch (KafkaException e) {
                    // stays uncommitted
                }
            }
        }
    }

    private static String partitions(Collection<TopicPartition> partitions) {
        StringJoiner j = new StringJoiner(",");
        partitions.forEach(tp -> j.add(Integer.toString(tp.partition())));
        return j.toString();
    }
}
