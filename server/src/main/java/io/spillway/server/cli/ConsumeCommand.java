package io.spillway.server.cli;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code spillway consume TOPIC}: records as lines on stdout or in a file, from the end (or the beginning) of every
 * partition, or as a member of a group that commits what was written. Ends at --max-records, after --timeout-ms
 * without a record, or on Ctrl-C (committing first).
 */
@Command(name = "consume", description = {"Writes a topic's records as lines to stdout or --file.",
        "text: the value (KEY<sep>VALUE with --key-separator); json: {\"topic\",\"partition\",\"offset\","
                + "\"timestamp\",\"key\",\"value\",\"headers\"} per line.",
        "Runs until --max-records, --timeout-ms without a new record, or Ctrl-C."}, mixinStandardHelpOptions = true)
public final class ConsumeCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final int MIN_BROKER_TIMEOUT_MS = 5_000;

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "TOPIC", description = "Topic to read.")
    String topic;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Write to FILE (replaced) instead of stdout.")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "text or json lines (default: json with --output json, else text).")
    RecordLine.Format format;

    @Option(names = {"-K", "--key-separator"}, paramLabel = "SEP", description = "text format: print KEY SEP VALUE.")
    String keySeparator;

    @Option(names = "--from-beginning", description = "Start at the earliest offset (with --group: when the group has "
            + "no committed offset).")
    boolean fromBeginning;

    @Option(names = {"-n", "--max-records"}, paramLabel = "N", description = "Stop after N records.")
    Long maxRecords;

    @Option(names = {"-g", "--group"}, paramLabel = "GROUP",
            description = "Consume as a member of GROUP and commit the offsets of what was written.")
    String group;

    @Option(names = "--progress", negatable = true,
            description = "Show records, MiB and rate on stderr (default: when stderr is a terminal).")
    Boolean progress;

    /** Counted down once the consumer is closed, so a SIGTERM/Ctrl-C lets it commit and leave its group first. */
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public Integer call() {
        if (Topics.isStreamPath(topic)) {
            throw new CliException(ExitCodes.USAGE, "'" + topic + "' is a stream; consume one of its topics, "
                    + topic + ":TOPIC");
        }
        RecordLine.Format lineFormat = format != null ? format
                : options.json() ? RecordLine.Format.json : RecordLine.Format.text;
        Thread hook = new Thread(this::stopAndWait, "spillway-consume-stop");
        // --timeout-ms is the idle time here; the broker gets at least MIN_BROKER_TIMEOUT_MS to answer (a fetch waits
        // up to fetch.max.wait.ms=500 on the broker, so shorter request timeouts could never succeed)
        int brokerTimeoutMs = Math.max(options.timeoutMs(), MIN_BROKER_TIMEOUT_MS);
        try (BrokerConnection broker = new BrokerConnection(options, brokerTimeoutMs)) {
            broker.checkReachable();
            Progress meter = new Progress(progress, "consumed");
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(broker));
                 Writer out = new BufferedWriter(new OutputStreamWriter(open(), StandardCharsets.UTF_8), 1 << 16)) {
                List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofMillis(broker.timeoutMs()));
                if (partitions == null || partitions.isEmpty()) {
                    throw CliException.failed("topic '" + topic + "' does not exist");
                }
                if (group != null) {
                    consumer.subscribe(List.of(topic));
                } else {
                    List<TopicPartition> tps = partitions.stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                    consumer.assign(tps);
                    if (fromBeginning) {
                        consumer.seekToBeginning(tps);
                    } else {
                        consumer.seekToEnd(tps);
                    }
                }
                this.consumer = consumer;
                Runtime.getRuntime().addShutdownHook(hook);
                run(consumer, out, lineFormat, meter, broker.timeoutMs());
            } catch (IOException e) {
                if (!(file == null && String.valueOf(e.getMessage()).contains("Broken pipe"))) {
                    throw CliException.failed("cannot write " + (file != null ? file : "stdout") + ": "
                            + BrokerConnection.ioMessage(e));
                } // the reader of stdout is gone (| head): a normal end
            } catch (KafkaException e) {
                throw BrokerConnection.translate(e, "consume topic '" + topic + "'", "topic '" + topic + "'");
            }
            meter.finish();
        } finally {
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // shutting down (the hook runs and waits for 'closed'), or the hook was never added
            }
        }
        return ExitCodes.OK;
    }

    private volatile KafkaConsumer<byte[], byte[]> consumer;

    private void stopAndWait() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            closed.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(KafkaConsumer<byte[], byte[]> consumer, Writer out, RecordLine.Format lineFormat, Progress meter,
                     int brokerTimeoutMs) throws IOException {
        Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>(); // only what reached the output
        Map<TopicPartition, OffsetAndMetadata> batch = new HashMap<>();
        Integer idleMs = options.timeoutMs;
        long lastRecord = System.nanoTime();
        try {
            while (maxRecords == null || meter.records() < maxRecords) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (group != null && consumer.assignment().isEmpty()) {
                    lastRecord = System.nanoTime(); // idle time counts once the group has assigned partitions
                }
                if (records.isEmpty()) {
                    if (idleMs != null && (System.nanoTime() - lastRecord) / 1_000_000 >= idleMs) {
                        break;
                    }
                    continue;
                }
                lastRecord = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (maxRecords != null && meter.records() >= maxRecords) {
                        break;
                    }
                    out.write(RecordLine.format(r, lineFormat, keySeparator));
                    out.write('\n');
                    meter.add(1, (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length));
                    batch.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                out.flush();
                toCommit.putAll(batch);
                batch.clear();
                if (group != null && !toCommit.isEmpty()) {
                    consumer.commitAsync(new HashMap<>(toCommit), null);
                }
            }
        } catch (WakeupException e) {
            // Ctrl-C or SIGTERM: commit what was written, then stop
        } finally {
            // also after a failed write: the records of the unflushed batch are not committed
            if (group != null && !toCommit.isEmpty()) {
                consumer.commitSync(toCommit, Duration.ofMillis(brokerTimeoutMs));
            }
        }
    }

    private OutputStream open() {
        if (file == null) {
            return new FileOutputStream(FileDescriptor.out);
        }
        try {
            return Files.newOutputStream(file);
        } catch (IOException e) {
            throw CliException.failed("cannot write " + file + ": " + BrokerConnection.ioMessage(e));
        }
    }

    private Properties consumerProperties(BrokerConnection broker) {
        Properties props = broker.clientProperties();
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return props;
    }
}
