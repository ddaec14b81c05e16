package io.spillway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Evicts a broker's data files from the Linux page cache so that a following read comes from the disk, and
 * measures how much of them is still cached.
 *
 * <p>Eviction: {@code sync} (dirty pages cannot be dropped), then {@code dd iflag=nocache count=0} on every file
 * (POSIX_FADV_DONTNEED for the whole file; needs no privileges), then, when running as root,
 * {@code echo 1 > /proc/sys/vm/drop_caches} as well. Verification: {@code fincore} (util-linux) sums the resident
 * bytes; pages mapped by the broker (Kafka's mmapped index files) cannot be evicted and stay counted.
 */
final class PageCache {

    /** Bytes of a directory's regular files, and how many of them are in the page cache (-1: unknown). */
    record Residency(long fileBytes, long residentBytes) {
        String describe() {
            if (residentBytes < 0) {
                return String.format(java.util.Locale.ROOT, "%.0f MiB of data files; resident part unknown (no fincore)",
                        fileBytes / 1048576.0);
            }
            return String.format(java.util.Locale.ROOT, "%.1f MiB of %.0f MiB in the page cache (%.1f%%, fincore)",
                    residentBytes / 1048576.0, fileBytes / 1048576.0,
                    fileBytes == 0 ? 0 : 100.0 * residentBytes / fileBytes);
        }
    }

    private PageCache() {
    }

    /** Flushes, evicts and returns what is still resident afterwards. */
    static Residency evict(Path dir) throws IOException, InterruptedException {
        run(List.of("sync"));
        List<Path> files = files(dir);
        for (Path f : files) {
            run(List.of("dd", "if=" + f, "iflag=nocache", "count=0", "status=none"));
        }
        dropCaches();
        return residency(dir);
    }

    /**
     * Before a run: writes back dirty pages and, as root, drops the clean page cache, so that every run starts
     * from the same memory state whatever the run before it wrote. Without root only the sync happens.
     */
    static void dropAll() {
        try {
            run(List.of("sync"));
            dropCaches();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void dropCaches() {
        Path drop = Path.of("/proc/sys/vm/drop_caches");
        if ("root".equals(System.getProperty("user.name")) && Files.isWritable(drop)) {
            try {
                Files.writeString(drop, "1\n", StandardCharsets.US_ASCII);
            } catch (IOException e) {
                // containers may refuse it; runs then start from whatever the page cache holds
            }
        }
    }

    static Residency residency(Path dir) throws IOException, InterruptedException {
        List<Path> files = files(dir);
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        long resident = 0;
        for (int i = 0; i < files.size(); i += 200) {
            List<String> cmd = new ArrayList<>(List.of("fincore", "--bytes", "--noheadings", "--output", "RES"));
            files.subList(i, Math.min(files.size(), i + 200)).forEach(f -> cmd.add(f.toString()));
            String out = run(cmd);
            if (out == null) {
                return new Residency(total, -1);
            }
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    resident += Long.parseLong(line.trim());
                }
            }
        }
        return new Residency(total, resident);
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(f -> {
                try {
                    return Files.size(f) > 0;
                } catch (IOException e) {
                    return false;
                }
            }).toList();
        }
    }

    /** Runs a command; returns its stdout, or null if it could not run or failed. */
    private static String run(List<String> cmd) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        }
    }
}
