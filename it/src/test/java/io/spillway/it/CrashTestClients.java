package io.spillway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Client settings of the kill -9 tests of compaction and reorganisation, kept in one place so that both ride out a
 * broker restart the same way: an idempotent acks=all producer that retries until the new process answers (short
 * backoffs, a delivery timeout that outlasts a restart), and a consumer that reads everything back from the beginning.
 */
final class CrashTestClients {

    private CrashTestClients() {
    }

    static Properties adminProps(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return p;
    }

    static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50");
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "500");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }

    /**
     * Reads {@code tps} from the beginning up to the end offsets they had when the read began, handing every record
     * to {@code onRecord}, and returns those end offsets. Checks what holds for any topic after a crash: offsets of a
     * partition increase and stay below its end offset, and the read gets to the end within 30 s.
     */
    static Map<TopicPartition, Long> readFromBeginning(String bootstrap, List<TopicPartition> tps, String when,
                                                       Consumer<ConsumerRecord<String, String>> onRecord) {
        Map<TopicPartition, Long> endOffsets;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(bootstrap))) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            endOffsets = consumer.endOffsets(tps, Duration.ofSeconds(30));
            Map<TopicPartition, Long> last = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!caughtUp(consumer, tps, endOffsets)) {
                if (System.nanoTime() > deadline) {
                    fail("%s: could not read up to the end offsets %s within 30 s", when, endOffsets);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Long previous = last.put(tp, r.offset());
                    if (previous != null && r.offset() <= previous) {
                        fail("%s: offsets of %s do not increase: %d after %d", when, tp, r.offset(), previous);
                    }
                    assertThat(r.offset()).as("%s: offset of a record of %s below its end offset", when, tp)
                            .isLessThan(endOffsets.get(tp));
                    onRecord.accept(r);
                }
            }
        }
        return endOffsets;
    }

    /** Whether {@code consumer} has read every partition of {@code tps} up to its end offset in {@code end}. */
    private static boolean caughtUp(KafkaConsumer<?, ?> consumer, List<TopicPartition> tps, Map<TopicPartition, Long> end) {
        for (TopicPartition tp : tps) {
            if (consumer.position(tp, Duration.ofSeconds(10)) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }
}
