package io.spillway.bench;

import java.util.ArrayList;
import java.util.List;

/** Option names shared by {@link ProducePerf}, {@link ConsumePerf} and {@link BenchMain}, and their mapping to configs. */
final class BenchOptions {

    static final List<String> PRODUCE_OPTIONS = List.of("--topic", "--partitions", "--record-size", "--records",
            "--duration", "--warmup", "--warmup-records", "--producers", "--acks", "--idempotence", "--compression",
            "--throughput", "--producer-prop", "--topic-config", "--payload");
    static final List<String> CONSUME_OPTIONS = List.of("--topic", "--consumer-prop", "--idle-timeout");
    static final List<String> PRODUCE_OPTIONS_WITH_BOOTSTRAP = plus(PRODUCE_OPTIONS, "--bootstrap");
    static final List<String> CONSUME_OPTIONS_WITH_BOOTSTRAP = plus(CONSUME_OPTIONS, "--bootstrap", "--warmup-records");

    private BenchOptions() {
    }

    static ProducePerf.Config produceConfig(Args a) {
        ProducePerf.Config c = new ProducePerf.Config()
                .topic(a.get("--topic", "spillway-bench"))
                .partitions(a.getInt("--partitions", 8))
                .recordSize(a.getInt("--record-size", 1024))
                .records(a.getLong("--records", 1_000_000))
                .duration(a.getDuration("--duration"))
                .warmupRecords(a.getLong("--warmup-records", -1))
                .warmup(a.has("--warmup") ? a.getDuration("--warmup") : ProducePerf.DEFAULT_WARMUP)
                .producers(a.getInt("--producers", 1))
                .acks(a.get("--acks", "all"))
                .idempotence(parseBoolean("--idempotence", a.get("--idempotence", "true")))
                .compression(a.get("--compression", "none"))
                .throughput(a.getDouble("--throughput", -1))
                .producerProps(a.getMap("--producer-prop"))
                .topicConfigs(a.getMap("--topic-config"))
                .textPayload(payloadIsText(a.get("--payload", "random")));
        c.validate();
        return c;
    }

    static ConsumePerf.Config consumeConfig(Args a) {
        ConsumePerf.Config c = new ConsumePerf.Config()
                .topic(a.get("--topic", "spillway-bench"))
                .consumerProps(a.getMap("--consumer-prop"));
        if (a.has("--idle-timeout")) {
            c.idleTimeout(a.getDuration("--idle-timeout"));
        }
        return c;
    }

    static boolean payloadIsText(String v) {
        if (!"random".equals(v) && !"text".equals(v)) {
            throw new IllegalArgumentException("--payload needs random or text: " + v);
        }
        return "text".equals(v);
    }

    static boolean parseBoolean(String name, String v) {
        if ("true".equalsIgnoreCase(v) || "false".equalsIgnoreCase(v)) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException(name + " needs true or false: " + v);
    }

    static List<String> plus(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        for (String m : more) {
            if (!all.contains(m)) {
                all.add(m);
            }
        }
        return List.copyOf(all);
    }
}
