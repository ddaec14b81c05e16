package io.spillway.storage.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared log tells its sync listener about every group commit: time, bytes and entries. */
class SyncListenerTest {
    @TempDir
    Path dir;

    @Test
    void everyAppendIsCountedInExactlyOneSync() throws Exception {
        AtomicLong syncs = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong entries = new AtomicLong();
        try (LocalSharedLog log = new LocalSharedLog(LocalSharedLogConfig.defaults(dir))) {
            log.syncListener((nanos, b, e) -> {
                assertThat(nanos).isNotNegative();
                syncs.incrementAndGet();
                bytes.addAndGet(b);
                entries.addAndGet(e);
            });
            log.recover((key, location, size, head) -> {
            });
            long last = -1;
            for (int i = 0; i < 50; i++) {
                last = log.append(1, ByteBuffer.allocate(100), -1);
            }
            log.whenDurable(last).get(10, TimeUnit.SECONDS);
            assertThat(syncs.get()).isBetween(1L, 50L);
            assertThat(entries.get()).isEqualTo(50);
            assertThat(bytes.get()).isEqualTo(50L * (EntryDescriptor.ENTRY_HEADER_BYTES + 100));
            assertThat(log.segmentCount()).isEqualTo(1);
        }
    }

    @Test
    void aFailingListenerIsNotAnFsyncFailure() throws Exception {
        try (LocalSharedLog log = new LocalSharedLog(LocalSharedLogConfig.defaults(dir))) {
            log.recover((key, location, size, head) -> {
            });
            log.syncListener((nanos, b, e) -> {
                throw new IllegalStateException("listener bug");
            });
            long location = log.append(1, ByteBuffer.allocate(10), -1);
            log.whenDurable(location).get(10, TimeUnit.SECONDS);
            assertThat(log.append(1, ByteBuffer.allocate(10), -1)).isGreaterThan(location);
        }
    }
}
