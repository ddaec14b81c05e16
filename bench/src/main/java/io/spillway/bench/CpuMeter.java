package io.spillway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * CPU used by the harness (client) JVM, the broker process and the whole machine between two
 * {@link Snapshot}s, from Linux {@code /proc} (user and system time in clock ticks, assumed 100 Hz as on
 * every mainstream Linux). Elsewhere {@link Snapshot#take} returns null and nothing is reported.
 *
 * <p>Client and broker share the machine, so this tells whether a result is bound by CPU (and whose).
 */
final class CpuMeter {

    private static final double TICK_SECONDS = 0.01;

    private CpuMeter() {
    }

    /** One reading; fields in clock ticks except {@code nanos}. */
    record Snapshot(long nanos, long clientUser, long clientSys, long brokerUser, long brokerSys, long machineBusy,
                    long machineIowait, long machineSteal, long machineTotal) {

        /** A reading now, or null when /proc is not available. */
        static Snapshot take(OptionalLong brokerPid) {
            try {
                long[] self = processTicks("self");
                long[] broker = brokerPid.isPresent() ? processTicks(Long.toString(brokerPid.getAsLong())) : new long[] {-1, -1};
                String[] cpu = firstLine("/proc/stat").trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < cpu.length && i <= 8; i++) {
                    total += Long.parseLong(cpu[i]);
                }
                long idle = Long.parseLong(cpu[4]);
                long iowait = cpu.length > 5 ? Long.parseLong(cpu[5]) : 0;
                long steal = cpu.length > 8 ? Long.parseLong(cpu[8]) : 0;
                return new Snapshot(System.nanoTime(), self[0], self[1], broker[0], broker[1], total - idle - iowait - steal,
                        iowait, steal, total);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    /** "broker 0.55 cores (user 0.16 + sys 0.39), client 1.35 cores (...), machine 1.93 of 2 cores busy ..." or null. */
    static String describe(Snapshot a, Snapshot b) {
        if (a == null || b == null || b.nanos() <= a.nanos()) {
            return null;
        }
        double secs = (b.nanos() - a.nanos()) / 1e9;
        StringBuilder sb = new StringBuilder();
        double ours = 0;
        if (a.brokerUser() >= 0 && b.brokerUser() >= 0) {
            long user = b.brokerUser() - a.brokerUser();
            long sys = b.brokerSys() - a.brokerSys();
            ours += (user + sys) * TICK_SECONDS / secs;
            sb.append(cores("broker", user, sys, secs)).append(", ");
        }
        long clientUser = b.clientUser() - a.clientUser();
        long clientSys = b.clientSys() - a.clientSys();
        ours += (clientUser + clientSys) * TICK_SECONDS / secs;
        sb.append(cores("client (harness JVM)", clientUser, clientSys, secs));
        int nproc = Runtime.getRuntime().availableProcessors();
        double total = b.machineTotal() - a.machineTotal();
        if (total > 0) {
            double busy = (b.machineBusy() - a.machineBusy()) / total * nproc;
            sb.append(String.format(Locale.ROOT, "; machine %.2f of %d cores busy, of which %.2f outside broker and "
                            + "client (kernel threads, other processes); iowait %.2f, steal %.2f", busy, nproc,
                    Math.max(0, busy - ours), (b.machineIowait() - a.machineIowait()) / total * nproc,
                    (b.machineSteal() - a.machineSteal()) / total * nproc));
        }
        return sb.toString();
    }

    /** CPU time (user + system) the broker used between the two readings, in milliseconds; -1 when unknown. */
    static double brokerMillis(Snapshot a, Snapshot b) {
        if (a == null || b == null || a.brokerUser() < 0 || b.brokerUser() < 0) {
            return -1;
        }
        return (b.brokerUser() - a.brokerUser() + b.brokerSys() - a.brokerSys()) * TICK_SECONDS * 1000;
    }

    /**
     * Broker CPU milliseconds per MiB between the two readings, -1 when unknown. The clock ticks are 10 ms, so a
     * window needs some seconds of work for a figure worth comparing (the benchmark's reads take tens of seconds).
     */
    static double brokerMillisPerMib(Snapshot a, Snapshot b, long bytes) {
        double ms = brokerMillis(a, b);
        return ms < 0 || bytes <= 0 ? -1 : ms / (bytes / 1048576.0);
    }

    private static String cores(String who, long userTicks, long sysTicks, double secs) {
        double user = userTicks * TICK_SECONDS / secs;
        double sys = sysTicks * TICK_SECONDS / secs;
        return String.format(Locale.ROOT, "%s %.2f cores (user %.2f + sys %.2f)", who, user + sys, user, sys);
    }

    /** utime and stime (fields 14 and 15) of /proc/PID/stat, all threads of the process. */
    private static long[] processTicks(String pid) throws IOException {
        String stat = firstLine("/proc/" + pid + "/stat");
        // the command name (field 2) may contain spaces; fields after it start after the last ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    private static String firstLine(String path) throws IOException {
        return Files.readAllLines(Paths.get(path), StandardCharsets.UTF_8).get(0);
    }
}
