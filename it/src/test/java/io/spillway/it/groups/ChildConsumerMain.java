package io.spillway.it.groups;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Main class of a group member in a child JVM (see {@link ChildMember}), so a test can kill a consumer
 * with SIGKILL. Arguments: the topic, then consumer configs as {@code key=value}. It subscribes, then
 * polls, reports and commits in a loop; it reads commands from stdin: {@code LEAVE} (close normally and
 * exit) and {@code CRASH} (after the next poll that returns records, report them, commit nothing, print
 * {@code HALT} and wait to be killed).
 *
 * <p>Every line for the parent starts with {@value #PREFIX}, anything else (logging) is ignored:
 * {@code POLL generation memberId p,p,..}, {@code REC nanoTime partition offset value},
 * {@code COMMITTED p:next,..}, {@code COMMITFAIL exception}, {@code ASSIGNED|REVOKED|LOST p,..},
 * {@code HALT records}, {@code LEFT}, {@code ERROR text}.
 */
public final class ChildConsumerMain {

    static final String PREFIX = "@@ ";

    private ChildConsumerMain() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        String topic = args[0];
        Map<String, Object> config = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            config.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        AtomicReference<String> command = new AtomicReference<>("");
        Thread stdin = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    command.set(line.trim());
                }
            } catch (Exception e) {
                // treated like end of input
            }
            // the parent is gone (or closed our stdin): leave rather than linger
            command.compareAndSet("", "LEAVE");
        }, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        try {
            run(topic, config, command, out);
        } catch (Throwable t) {
            synchronized (out) {
                out.println(PREFIX + "ERROR " + t.toString().replace('\n', ' '));
                out.flush();
            }
            System.exit(2);
        }
        System.exit(0);
    }

    private static void run(String topic, Map<String, Object> config, AtomicReference<String> command, PrintStream out)
            throws InterruptedException {
        KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                out.println(PREFIX + "REVOKED " + list(partitions));
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                out.println(PREFIX + "ASSIGNED " + list(partitions));
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                out.println(PREFIX + "LOST " + list(partitions));
            }
        });
        while (true) {
            String cmd = command.get();
            if ("LEAVE".equals(cmd)) {
                consumer.close();
                out.println(PREFIX + "LEFT");
                out.flush();
                return;
            }
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
            long now = System.nanoTime();
            ConsumerGroupMetadata gm = consumer.groupMetadata();
            String memberId = gm.memberId().isEmpty() ? "-" : gm.memberId();
            out.println(PREFIX + "POLL " + gm.generationId() + " " + memberId + " " + list(consumer.assignment()));
            Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
            for (ConsumerRecord<String, String> r : records) {
                out.println(PREFIX + "REC " + now + " " + r.partition() + " " + r.offset() + " " + r.value());
                next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            }
            if ("CRASH".equals(cmd) && !records.isEmpty()) {
                out.println(PREFIX + "HALT " + records.count());
                out.flush();
                Thread.sleep(Long.MAX_VALUE); // the parent kills this process with SIGKILL now
            }
            if (!next.isEmpty()) {
                try {
                    consumer.commitSync(next, Duration.ofSeconds(15));
                    StringBuilder sb = new StringBuilder();
                    next.forEach((tp, om) -> sb.append(sb.length() == 0 ? "" : ",").append(tp.partition()).append(':').append(om.offset()));
                    out.println(PREFIX + "COMMITTED " + sb);
                } catch (KafkaException e) {
                    out.println(PREFIX + "COMMITFAIL " + e.getClass().getSimpleName());
                }
            }
            out.flush();
        }
    }

    private static String list(Collection<TopicPartition> partitions) {
        TreeSet<Integer> ps = new TreeSet<>();
        partitions.forEach(tp -> ps.add(tp.partition()));
        StringBuilder sb = new StringBuilder();
        for (int p : ps) {
            sb.append(sb.length() == 0 ? "" : ",").append(p);
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }
}
