package io.spillway.bench.txncheck;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One producer process ({@link TxnProducerMain}) in its own JVM, so that it can be killed with SIGKILL. Its merged
 * stdout/stderr goes to a file; {@link #ready()} completes when it prints {@link TxnProducerMain#READY_LINE}. Commands
 * go to its stdin ({@link ChildControl}); closing stdin asks it to stop, and also happens by itself if this JVM dies,
 * so a child never outlives the checker. A JVM shutdown hook SIGKILLs every child still running as a last resort.
 *
 * <p>Not thread safe: the run's control thread calls every method; a private daemon thread copies the output.
 */
final class ProducerProcess {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "txncheck-producer-reaper"));
    }

    private final ProducerSpec spec;
    private final Process process;
    private final CompletableFuture<Void> ready;
    private final Path outputFile;

    private ProducerProcess(ProducerSpec spec, Process process, CompletableFuture<Void> ready, Path outputFile) {
        this.spec = spec;
        this.process = process;
        this.ready = ready;
        this.outputFile = outputFile;
    }

    /**
     * Writes the spec next to the output file and starts the child with this JVM's java and class path.
     *
     * @param dir where {@code producer-N-incarnation-M.properties} and {@code .out} go
     */
    static ProducerProcess start(ProducerSpec spec, Path dir) {
        String base = "producer-" + spec.producer() + "-incarnation-" + spec.incarnation();
        Path specFile = dir.resolve(base + ".properties");
        Path out = dir.resolve(base + ".out");
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms32m", "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError",
                "-Dspillway.bench.clientLogLevel=WARN",
                "-cp", System.getProperty("java.class.path"), TxnProducerMain.class.getName(), specFile.toString()));
        Process p;
        try {
            spec.write(specFile);
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start producer " + spec.producer(), e);
        }
        LIVE.add(p);
        p.onExit().thenRun(() -> LIVE.remove(p));
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> copyOutput(p, out, ready), "txncheck-out-" + base);
        pump.setDaemon(true);
        pump.start();
        return new ProducerProcess(spec, p, ready, out);
    }

    private static void copyOutput(Process p, Path out, CompletableFuture<Void> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                w.write(line);
                w.newLine();
                w.flush();
                if (line.equals(TxnProducerMain.READY_LINE)) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            // the output is for diagnosis only; the process's exit is what the checker acts on
        } finally {
            ready.completeExceptionally(new IllegalStateException("producer exited before it was ready"));
        }
    }

    ProducerSpec spec() {
        return spec;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Completes when initTransactions() has returned in the child; fails if the child exits first. */
    CompletableFuture<Void> ready() {
        return ready;
    }

    /** Completes (on a JDK thread) when the child has exited. */
    CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** The exit code; only valid once the child has exited. */
    int exitCode() {
        return process.exitValue();
    }

    Path outputFile() {
        return outputFile;
    }

    /** SIGKILL, and wait (bounded) until it is gone. */
    void kill9() {
        process.destroyForcibly();
        awaitExit(30_000);
    }

    /** Asks the child to abandon its next transaction mid-way and halt. A child already gone ignores it. */
    void requestCrash() {
        try {
            OutputStream in = process.getOutputStream();
            in.write((ChildControl.CRASH + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            // the child has exited; its exit is handled like any other
        }
    }

    /** Closes the child's stdin: it finishes its current transaction and exits. */
    void requestStop() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** Waits up to {@code ms} for the child to exit; true if it has. */
    boolean awaitExit(long ms) {
        try {
            return process.waitFor(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
