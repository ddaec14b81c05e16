package io.spillway.it.groups;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;

/**
 * A group member in a child JVM ({@link ChildConsumerMain}) whose {@link #crash()} is a real SIGKILL: the
 * consumer's connections are closed by the kernel, nothing is committed and no LeaveGroup is sent, so the
 * coordinator only learns of it by the session timeout. A reader thread follows the child's reports and
 * records its deliveries in the shared {@link Ledger}.
 */
final class ChildMember implements Member {

    private final String name;
    private final String topic;
    private final Ledger ledger;
    private final Process process;
    private final Thread reader;
    private final Ledger.Pending pending = new Ledger.Pending();
    private final CountDownLatch halted = new CountDownLatch(1);
    private final Deque<String> otherOutput = new ArrayDeque<>();
    private final AtomicInteger commits = new AtomicInteger();
    private final AtomicInteger commitFailures = new AtomicInteger();
    private final AtomicInteger callbacks = new AtomicInteger();
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile String memberId = "";
    private volatile int generation = -1;
    private volatile long polls;
    private volatile int crashPollRecords = -1;
    private volatile String error;

    ChildMember(String name, String topic, Map<String, Object> consumerConfig, Ledger ledger) throws IOException {
        this.name = name;
        this.topic = topic;
        this.ledger = ledger;
        List<String> cmd = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                ChildConsumerMain.class.getName(), topic));
        consumerConfig.forEach((k, v) -> cmd.add(k + "=" + v));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        reader = new Thread(this::follow, "child-member-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    private void follow() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith(ChildConsumerMain.PREFIX)) {
                    synchronized (otherOutput) {
                        otherOutput.addLast(line);
                        if (otherOutput.size() > 40) {
                            otherOutput.removeFirst();
                        }
                    }
                    continue;
                }
                String[] f = line.substring(ChildConsumerMain.PREFIX.length()).split(" ", 5);
                switch (f[0]) {
                    case "POLL" -> {
                        generation = Integer.parseInt(f[1]);
                        memberId = "-".equals(f[2]) ? "" : f[2];
                        assignment = partitions(f[3]);
                        polls++;
                    }
                    case "REC" -> pending.add(ledger.record(Long.parseLong(f[1]), name,
                            new TopicPartition(topic, Integer.parseInt(f[2])), Long.parseLong(f[3]), f[4]));
                    case "COMMITTED" -> {
                        for (String po : f[1].split(",")) {
                            String[] x = po.split(":");
                            pending.committed(new TopicPartition(topic, Integer.parseInt(x[0])), Long.parseLong(x[1]));
                        }
                        commits.incrementAndGet();
                    }
                    case "COMMITFAIL" -> commitFailures.incrementAndGet();
                    case "REVOKED", "LOST" -> {
                        callbacks.incrementAndGet();
                        pending.forget(partitions(f[1]));
                    }
                    case "ASSIGNED" -> callbacks.incrementAndGet();
                    case "HALT" -> {
                        crashPollRecords = Integer.parseInt(f[1]);
                        halted.countDown();
                    }
                    case "ERROR" -> error = line;
                    default -> {
                        // LEFT and future reports need no action
                    }
                }
            }
        } catch (IOException e) {
            // the child is gone
        } finally {
            assignment = Set.of();
        }
    }

    private Set<TopicPartition> partitions(String list) {
        Set<TopicPartition> out = new HashSet<>();
        if (!"-".equals(list)) {
            for (String p : list.split(",")) {
                out.add(new TopicPartition(topic, Integer.parseInt(p)));
            }
        }
        return Set.copyOf(out);
    }

    private void send(String command) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    @Override
    public long polls() {
        return polls;
    }

    @Override
    public String memberId() {
        return memberId;
    }

    @Override
    public int generation() {
        return generation;
    }

    @Override
    public boolean isRunning() {
        return process.isAlive() && halted.getCount() > 0;
    }

    @Override
    public Throwable failure() {
        if (error == null && process.isAlive()) {
            return null;
        }
        return new AssertionError("child member " + name + (error != null ? " reported " + error : " exited")
                + "; its other output:\n" + otherOutput());
    }

    private String otherOutput() {
        synchronized (otherOutput) {
            return String.join("\n", otherOutput);
        }
    }

    @Override
    public void leave() throws Exception {
        send("LEAVE");
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child member " + name + " did not leave within 30 s:\n" + otherOutput());
        }
        reader.join(5000);
    }

    @Override
    public void crash() throws Exception {
        send("CRASH");
        if (!halted.await(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child member " + name + " polled no records within 30 s of CRASH:\n" + otherOutput());
        }
        process.destroyForcibly(); // SIGKILL
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("child member " + name + " survived SIGKILL");
        }
        reader.join(5000);
        assignment = Set.of();
    }

    @Override
    public int crashPollRecords() {
        return crashPollRecords;
    }

    @Override
    public String stats() {
        return commits + " commits, " + commitFailures + " failed, " + callbacks + " rebalance callbacks (child JVM)";
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return name + assignment;
    }
}
