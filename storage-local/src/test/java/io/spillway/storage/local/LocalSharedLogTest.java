package io.spillway.storage.local;

import io.spillway.storage.Locations;
import io.spillway.storage.RecoverySummary;
import io.spillway.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalSharedLogTest {
    @TempDir
    Path dir;

    private record Entry(long key, long location, String payload) {
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private LocalSharedLog open(LocalSharedLogConfig config, List<Entry> replayed) {
        LocalSharedLog log = new LocalSharedLog(config);
        log.recover((key, location, size, head) -> {
            byte[] b = new byte[head.remaining()];
            head.duplicate().get(b);
            replayed.add(new Entry(key, location, new String(b, StandardCharsets.UTF_8)));
        });
        return log;
    }

    private static String read(LocalSharedLog log, long location, int size) {
        ByteBuffer dst = ByteBuffer.allocate(size);
        log.read(location, dst);
        return new String(dst.array(), StandardCharsets.UTF_8);
    }

    @Test
    void appendsAreReadableDurableAndReplayedInOrder() throws Exception {
        List<Long> locations = new ArrayList<>();
        try (LocalSharedLog log = open(LocalSharedLogConfig.defaults(dir), new ArrayList<>())) {
            for (int i = 0; i < 100; i++) {
                long location = log.append(i % 7, bytes("payload-" + i), -1);
                locations.add(location);
                assertThat(read(log, location, ("payload-" + i).length())).isEqualTo("payload-" + i);
            }
            log.whenDurable(locations.get(99)).get(10, TimeUnit.SECONDS);
        }
        List<Entry> replayed = new ArrayList<>();
        try (LocalSharedLog log = open(LocalSharedLogConfig.defaults(dir), replayed)) {
            assertThat(replayed).hasSize(100);
            for (int i = 0; i < 100; i++) {
                assertThat(replayed.get(i)).isEqualTo(new Entry(i % 7, locations.get(i), "payload-" + i));
            }
            long next = log.append(1, bytes("after"), -1);
            assertThat(next).isGreaterThan(locations.get(99));
        }
    }

    @Test
    void durabilityContinuationsNeverRunOnTheFlusherThreadAndABlockedOneDoesNotStopSyncing() throws Exception {
        String testThread = Thread.currentThread().getName();
        try (LocalSharedLog log = open(LocalSharedLogConfig.defaults(dir), new ArrayList<>())) {
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicReference<String> thread = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.CompletableFuture<Void> blocked = null;
            for (int attempt = 0; attempt < 100 && blocked == null; attempt++) {
                java.util.concurrent.CompletableFuture<Void> durable = log.whenDurable(log.append(1, bytes("first"), -1));
                if (durable.isDone()) {
                    continue; // synced already: a continuation would run right here, on the test thread
                }
                thread.set(null);
                java.util.concurrent.CompletableFuture<Void> attached = durable.thenRun(() -> {
                    thread.set(Thread.currentThread().getName());
                    if (!Thread.currentThread().getName().equals(testThread)) {
                        try {
                            release.await(10, TimeUnit.SECONDS); // an upper layer misbehaving in a continuation
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
                if (!testThread.equals(thread.get())) {
                    blocked = attached;
                }
            }
            assertThat(blocked).as("an append whose sync was still pending").isNotNull();
            // While that continuation blocks, the flusher must keep making later appends durable.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (thread.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            long second = log.append(1, bytes("second"), -1);
            GroupCommitFlusher flusher = log.flusher();
            while (!flusher.isDurable(second) && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(flusher.isDurable(second)).as("synced while a continuation blocks").isTrue();
            release.countDown();
            blocked.get(10, TimeUnit.SECONDS);
            assertThat(thread.get()).isEqualTo("spillway-wal-completions");
        }
    }

    @Test
    void aSliceOfADeletedSegmentStaysReadableForTheDeleteDelayOnly() throws Exception {
        LocalSharedLogConfig config = LocalSharedLogConfig.defaults(dir).withSegmentBytes(256).withDeleteDelayMs(300);
        try (LocalSharedLog log = open(config, new ArrayList<>())) {
            log.deleteUnretainedSegments();
            long first = log.append(1, bytes("x".repeat(100)), -1);
            log.whenDurable(first).get(10, TimeUnit.SECONDS);
            io.spillway.storage.StoredSlice slice = log.slice(first, 100);
            log.append(1, bytes("y".repeat(200)), Locations.segment(first)); // rolls: the first segment is sealed
            log.release(Locations.segment(first));
            assertThat(log.segmentCount()).isEqualTo(1);
            assertThatThrownBy(() -> log.slice(first, 100)).isInstanceOf(StorageException.class);

            ByteBuffer sent = ByteBuffer.allocate(100);
            slice.file().read(sent, slice.position()); // a zero-copy send under way still reads the deleted file
            assertThat(new String(sent.array(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("x".repeat(100));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (slice.file().isOpen() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(slice.file().isOpen()).as("closed after the delete delay").isFalse();
        }
    }

    @Test
    void tornTailIsTruncatedAndReported() throws Exception {
        try (LocalSharedLog log = open(LocalSharedLogConfig.defaults(dir), new ArrayList<>())) {
            log.append(1, bytes("one"), -1);
            log.append(1, bytes("two"), -1);
        }
        Path segment = dir.resolve(Segment.fileName(0));
        long goodSize = Files.size(segment);
        // A crash in the middle of a write: a header promising 100 bytes, then only 5 of them.
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.APPEND)) {
            ByteBuffer torn = ByteBuffer.allocate(21).putInt(100).putInt(12345).putLong(1).put(new byte[5]);
            torn.flip();
            ch.write(torn);
        }
        List<Entry> replayed = new ArrayList<>();
        LocalSharedLog log = new LocalSharedLog(LocalSharedLogConfig.defaults(dir));
        RecoverySummary summary = log.recover((key, location, size, head) -> replayed.add(new Entry(key, location, "")));
        log.close();
        assertThat(replayed).hasSize(2);
        assertThat(summary.truncatedBytes()).isEqualTo(21);
        assertThat(Files.size(segment)).isEqualTo(goodSize);
    }

    @Test
    void corruptLastEntryIsDetectedByChecksum() throws Exception {
        long second;
        try (LocalSharedLog log = open(LocalSharedLogConfig.defaults(dir), new ArrayList<>())) {
            log.append(1, bytes("first-entry"), -1);
            second = log.append(2, bytes("second-entry"), -1);
        }
        Path segment = dir.resolve(Segment.fileName(0));
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {'X'}), Locations.position(second) + EntryDescriptor.ENTRY_HEADER_BYTES + 3);
        }
        List<Entry> replayed = new ArrayList<>();
        try (LocalSharedLog log = open(LocalSharedLogConfig.defaults(dir), replayed)) {
            assertThat(replayed).extracting(Entry::payload).containsExactly("first-entry");
        }
        assertThat(Files.size(segment)).isEqualTo(Locations.position(second));
    }

    @Test
    void withoutFsyncAFullDiskFailsTheAppendWithoutLeavingPartialBytes() throws Exception {
        // With fsync off appends are written through at once, so a full disk fails that one append.
        AtomicLong budget = new AtomicLong(Long.MAX_VALUE);
        ChannelOpener opener = path -> new FailingChannel(ChannelOpener.DEFAULT.open(path), budget);
        LocalSharedLogConfig config = LocalSharedLogConfig.defaults(dir).withFsync(false).withOpener(opener);
        Path segment = dir.resolve(Segment.fileName(0));
        try (LocalSharedLog log = open(config, new ArrayList<>())) {
            long first = log.append(1, bytes("fits"), -1);
            long sizeBefore = Files.size(segment);
            budget.set(10); // the next entry needs 16 + 20 bytes
            assertThatThrownBy(() -> log.append(1, bytes("does-not-fit-at-all!"), -1))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("No space left on device");
            assertThat(Files.size(segment)).isEqualTo(sizeBefore);
            budget.set(Long.MAX_VALUE); // space was freed
            long third = log.append(1, bytes("fits-again"), -1);
            assertThat(Locations.position(third)).isEqualTo(sizeBefore);
            assertThat(read(log, first, 4)).isEqualTo("fits");
            assertThat(read(log, third, 10)).isEqualTo("fits-again");
        }
        List<Entry> replayed = new ArrayList<>();
        try (LocalSharedLog log = open(LocalSharedLogConfig.defaults(dir), replayed)) {
            assertThat(replayed).extracting(Entry::payload).containsExactly("fits", "fits-again");
        }
    }

    @Test
    void sealedSegmentsAreDeletedOnceNoPartitionRetainsThem() throws IOException {
        LocalSharedLogConfig config = LocalSharedLogConfig.defaults(dir).withSegmentBytes(200);
        try (LocalSharedLog log = open(config, new ArrayList<>())) {
            log.deleteUnretainedSegments();
            int lastSegment = -1;
            List<Integer> segmentsOfKey1 = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                long location = log.append(1, bytes("0123456789012345678901234567890123456789"), lastSegment);
                if (Locations.segment(location) != lastSegment) {
                    segmentsOfKey1.add(Locations.segment(location));
                }
                lastSegment = Locations.segment(location);
            }
            assertThat(log.segmentCount()).isGreaterThan(3);
            int before = log.segmentCount();
            // key 1 no longer needs its first two segments
            log.release(segmentsOfKey1.get(0));
            log.release(segmentsOfKey1.get(1));
            assertThat(log.segmentCount()).isEqualTo(before - 2);
            assertThat(Files.exists(dir.resolve(Segment.fileName(segmentsOfKey1.get(0))))).isFalse();
        }
    }

    @Test
    void withFsyncAFullDiskHoldsStagedEntriesUntilSpaceIsFreedAndFailsAppendsThatDoNotFit() throws Exception {
        AtomicLong budget = new AtomicLong(Long.MAX_VALUE);
        ChannelOpener opener = path -> new FailingChannel(ChannelOpener.DEFAULT.open(path), budget);
        LocalSharedLogConfig config = LocalSharedLogConfig.defaults(dir).withOpener(opener);
        Path segment = dir.resolve(Segment.fileName(0));
        try (LocalSharedLog log = open(config, new ArrayList<>())) {
            long first = log.append(1, bytes("durable"), -1);
            log.whenDurable(first).get(10, TimeUnit.SECONDS);
            long sizeBefore = Files.size(segment);
            budget.set(10); // the disk fills up: writing the staged entries fails
            long staged = log.append(1, bytes("staged"), -1);
            var durable = log.whenDurable(staged);
            Thread.sleep(300);
            assertThat(durable).isNotDone(); // not acknowledged, not failed: waiting for space
            assertThat(Files.size(segment)).isEqualTo(sizeBefore);
            // an entry that does not fit next to the staged one needs a write now, and fails without effect
            assertThatThrownBy(() -> log.append(2, ByteBuffer.allocate(LocalSharedLog.STAGING_BYTES - 20), -1))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("No space left on device");
            budget.set(Long.MAX_VALUE); // space was freed
            durable.get(10, TimeUnit.SECONDS);
            long after = log.append(1, bytes("after"), -1);
            log.whenDurable(after).get(10, TimeUnit.SECONDS);
            assertThat(read(log, staged, 6)).isEqualTo("staged");
        }
        List<Entry> replayed = new ArrayList<>();
        try (LocalSharedLog log = open(LocalSharedLogConfig.defaults(dir), replayed)) {
            assertThat(replayed).extracting(Entry::payload).containsExactly("durable", "staged", "after");
        }
    }

    @Test
    void stagedEntriesAreWrittenInOneCallBeforeTheFsyncAndReadableAnyTime() throws Exception {
        List<Long> locations = new ArrayList<>();
        Path segment = dir.resolve(Segment.fileName(0));
        try (LocalSharedLog log = open(LocalSharedLogConfig.defaults(dir), new ArrayList<>())) {
            int big = LocalSharedLog.STAGING_BYTES / 3; // three of them overflow the staging buffer
            for (int i = 0; i < 7; i++) {
                byte[] payload = new byte[i % 2 == 0 ? big : 100];
                java.util.Arrays.fill(payload, (byte) ('a' + i));
                locations.add(log.append(i, ByteBuffer.wrap(payload), -1));
            }
            byte[] huge = new byte[LocalSharedLog.STAGING_BYTES + 1]; // larger than the buffer: written directly
            java.util.Arrays.fill(huge, (byte) 'z');
            long hugeAt = log.append(9, ByteBuffer.wrap(huge), -1);
            for (int i = 0; i < 7; i++) {
                ByteBuffer dst = ByteBuffer.allocate(i % 2 == 0 ? big : 100);
                log.read(locations.get(i), dst);
                assertThat(dst.array()).containsOnly((byte) ('a' + i));
            }
            log.whenDurable(hugeAt).get(10, TimeUnit.SECONDS);
            assertThat(Files.size(segment)).isEqualTo(Locations.position(hugeAt) + EntryDescriptor.ENTRY_HEADER_BYTES
                    + huge.length);
        }
        List<Entry> replayed = new ArrayList<>();
        try (LocalSharedLog log = open(LocalSharedLogConfig.defaults(dir), replayed)) {
            assertThat(replayed).hasSize(8);
            assertThat(replayed).extracting(Entry::location).containsSubsequence(locations);
        }
    }

    @Test
    void withoutFsyncAppendsAreDurableAtOnce() throws Exception {
        try (LocalSharedLog log = open(LocalSharedLogConfig.defaults(dir).withFsync(false), new ArrayList<>())) {
            long location = log.append(1, bytes("x"), -1);
            assertThat(log.whenDurable(location)).isDone();
        }
    }
}
