package io.spillway.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Best-effort description of the machine a benchmark ran on (Linux /proc and /sys; "unknown" elsewhere). */
public final class MachineInfo {

    private MachineInfo() {
    }

    /**
     * CPU, memory, OS, kernel, JDK, and (when {@code dataDir} is known) the disk holding it with a short
     * fsync latency probe.
     */
    public static Map<String, String> collect(Path dataDir) {
        Map<String, String> m = new LinkedHashMap<>();
        int nproc = Runtime.getRuntime().availableProcessors();
        m.put("CPU", cpuModel().orElse("unknown model") + "; nproc " + nproc);
        m.put("Memory", memTotal().orElse("unknown"));
        m.put("OS", osName());
        m.put("Kernel", System.getProperty("os.name") + " " + read("/proc/sys/kernel/osrelease").orElse(System.getProperty("os.version"))
                + " (" + System.getProperty("os.arch") + ")");
        m.put("JDK", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.home") + ")");
        if (dataDir != null) {
            m.put("Disk (data dir)", disk(dataDir));
            m.put("fsync probe (data dir)", fsyncProbe(dataDir));
        }
        return m;
    }

    static Optional<String> cpuModel() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return Optional.of(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Optional.empty();
    }

    static Optional<String> memTotal() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/meminfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return Optional.of(String.format(Locale.ROOT, "%.1f GiB", kb / 1048576.0));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Optional.empty();
    }

    static String osName() {
        try {
            for (String line : Files.readAllLines(Paths.get("/etc/os-release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    /** Filesystem, device, size and rotational flag of the filesystem holding {@code dir}. */
    static String disk(Path dir) {
        try {
            FileStore store = Files.getFileStore(dir);
            String dev = store.name();
            StringBuilder sb = new StringBuilder();
            sb.append(dev).append(' ').append(store.type());
            sb.append(String.format(Locale.ROOT, ", %.0f GiB total, %.0f GiB free", store.getTotalSpace() / 1073741824.0,
                    store.getUsableSpace() / 1073741824.0));
            if (dev.startsWith("/dev/")) {
                String name = dev.substring("/dev/".length());
                Path sys = Paths.get("/sys/class/block", name);
                if (Files.exists(sys.resolve("partition"))) {
                    sys = sys.toRealPath().getParent(); // the whole disk
                }
                Optional<String> rotational = read(sys.resolve("queue/rotational").toString());
                rotational.ifPresent(r -> sb.append("1".equals(r) ? ", rotational" : ", non-rotational")
                        .append(" (as the kernel reports it)"));
                Optional<String> model = read(sys.resolve("device/model").toString());
                model.ifPresent(mo -> sb.append(", model ").append(mo));
                try {
                    String driver = sys.resolve("device").toRealPath().toString();
                    if (driver.contains("virtio")) {
                        sb.append(", virtio block device (virtual machine)");
                    }
                } catch (IOException e) {
                    // no device link
                }
            }
            return sb.toString();
        } catch (IOException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /**
     * Appends 4 KiB and forces it to disk 200 times in a temporary file under {@code dir}; reports the
     * median and p99 of one write+fsync. The floor under any fsync-before-ack produce latency.
     */
    static String fsyncProbe(Path dir) {
        Path file = null;
        try {
            Files.createDirectories(dir);
            file = Files.createTempFile(dir, "fsync-probe", ".tmp");
            LatencyHistogram h = new LatencyHistogram();
            ByteBuffer block = ByteBuffer.allocate(4096);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                for (int i = 0; i < 200; i++) {
                    block.clear();
                    long t = System.nanoTime();
                    while (block.hasRemaining()) {
                        ch.write(block);
                    }
                    ch.force(false);
                    h.record((System.nanoTime() - t) / 1000);
                }
            }
            return String.format(Locale.ROOT, "4 KiB append + fdatasync x200: p50 %.2f ms, p99 %.2f ms",
                    h.percentileMillis(0.5), h.percentileMillis(0.99));
        } catch (IOException | RuntimeException e) {
            return "failed (" + e.getMessage() + ")";
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // best effort
                }
            }
        }
    }

    static Optional<String> read(String path) {
        try {
            List<String> lines = Files.readAllLines(Paths.get(path), StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(0).trim());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
