package io.spillway.server.cli;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code spillway produce TOPIC}: one record per input line, from stdin or a file, with an idempotent producer
 * (acks=all). Stops at the first bad line or failed send and says which line; everything before it was sent.
 */
@Command(name = "produce", description = {"Produces one record per line of stdin or --file.",
        "text: the line is the value (KEY<sep>VALUE with --key-separator);",
        "json: {\"key\":..,\"value\":..,\"headers\":{..},\"partition\":N} per line (non-string values are sent as "
                + "their JSON text)."}, mixinStandardHelpOptions = true)
public final class ProduceCommand implements Callable<Integer> {

    @Mixin
    ClientOptions options;

    @Parameters(paramLabel = "TOPIC", description = "Topic to produce to (it must exist).")
    String topic;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read lines from FILE instead of stdin.")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "text or json lines (default: json with --output json, else text).")
    RecordLine.Format format;

    @Option(names = {"-K", "--key-separator"}, paramLabel = "SEP",
            description = "text format: split each line at the first SEP into key and value.")
    String keySeparator;

    @Option(names = "--compression", paramLabel = "TYPE", description = "none, gzip, snappy, lz4 or zstd (default none).")
    String compression = "none";

    @Option(names = "--progress", negatable = true,
            description = "Show records, MiB and rate on stderr (default: when stderr is a terminal).")
    Boolean progress;

    @Override
    public Integer call() {
        if (Topics.isStreamPath(topic)) {
            throw new CliException(ExitCodes.USAGE, "'" + topic + "' is a stream; produce to one of its topics, "
                    + topic + ":TOPIC");
        }
        RecordLine.Format lineFormat = format != null ? format
                : options.json() ? RecordLine.Format.json : RecordLine.Format.text;
        try (BrokerConnection broker = new BrokerConnection(options)) {
            Topics.describe(broker, topic); // fails with "topic 'x' does not exist" before reading any input
            Progress meter = new Progress(progress, "produced");
            AtomicReference<Exception> failure = new AtomicReference<>();
            long started = System.nanoTime();
            String source = file != null ? file.toString() : "stdin";
            try (BufferedReader in = new BufferedReader(new InputStreamReader(open(), StandardCharsets.UTF_8), 1 << 16);
                 KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(broker))) {
                String line;
                long lineNumber = 0;
                while ((line = readLine(in, source)) != null && failure.get() == null) {
                    lineNumber++;
                    if (line.isEmpty() && lineFormat == RecordLine.Format.json) {
                        continue;
                    }
                    RecordLine.Outgoing record;
                    try {
                        record = RecordLine.parse(line, lineFormat, keySeparator);
                    } catch (IllegalArgumentException e) {
                        producer.flush();
                        meter.finish();
                        throw CliException.failed("line " + lineNumber + " of " + source + ": " + e.getMessage()
                                + " (" + meter.records() + " records before it were produced)");
                    }
                    ProducerRecord<byte[], byte[]> pr = new ProducerRecord<>(topic, record.partition(), record.key(),
                            record.value());
                    record.headers().forEach((k, v) -> pr.headers().add(k, v));
                    long size = record.size();
                    producer.send(pr, (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
                    meter.add(1, size);
                }
                producer.flush();
            } catch (KafkaException e) {
                failure.compareAndSet(null, e);
            } catch (IOException e) {
                throw CliException.failed("cannot close " + source + ": " + BrokerConnection.ioMessage(e));
            }
            meter.finish();
            if (failure.get() != null) {
                throw BrokerConnection.translate(failure.get(), "produce to topic '" + topic + "'", "topic '" + topic + "'");
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            new Output(options).done(String.format(java.util.Locale.ROOT, "produced %,d records (%.1f MiB) to '%s' in %.1f s",
                    meter.records(), meter.bytes() / 1048576.0, topic, seconds),
                    Output.object("topic", topic, "records", meter.records(), "bytes", meter.bytes(),
                            "seconds", Math.round(seconds * 1000) / 1000.0));
        }
        return ExitCodes.OK;
    }

    private InputStream open() {
        if (file == null) {
            return new FileInputStream(FileDescriptor.in);
        }
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw CliException.failed("cannot read " + file + ": " + BrokerConnection.ioMessage(e));
        }
    }

    private static String readLine(BufferedReader in, String source) {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw CliException.failed("cannot read " + source + ": " + BrokerConnection.ioMessage(e));
        }
    }

    private Properties producerProperties(BrokerConnection broker) {
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(broker.timeoutMs()));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(120_000, broker.timeoutMs() + 1_000L)));
        props.remove(org.apache.kafka.clients.CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
        return props;
    }

}
