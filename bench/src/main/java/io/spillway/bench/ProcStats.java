package io.spillway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

/** Memory and file-descriptor figures of a process from Linux's /proc (-1 where unavailable). */
final class ProcStats {

    private ProcStats() {
    }

    /** Resident set size in bytes (VmRSS of /proc/PID/status). */
    static long rssBytes(long pid) {
        return statusKilobytes(pid, "VmRSS:") * 1024;
    }

    /** Peak resident set size in bytes (VmHWM). */
    static long peakRssBytes(long pid) {
        return statusKilobytes(pid, "VmHWM:") * 1024;
    }

    /** Open file descriptors (entries of /proc/PID/fd). */
    static long openFiles(long pid) {
        try (Stream<Path> s = Files.list(Paths.get("/proc", Long.toString(pid), "fd"))) {
            return s.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long statusKilobytes(long pid, String field) {
        try {
            List<String> lines = Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII);
            for (String l : lines) {
                if (l.startsWith(field)) {
                    String v = l.substring(field.length()).trim();
                    return Long.parseLong(v.substring(0, v.indexOf(' ')));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
