package io.spillway.log;

import java.util.concurrent.CompletableFuture;

/**
 * Where a batch went: its offsets, the log append time if the topic uses LogAppendTime (else -1),
 * the log start offset after the append, and a future that completes once the batch is durable and
 * visible to consumers (high watermark past it).
 */
public record AppendResult(long baseOffset, long lastOffset, long logAppendTimeMs, long logStartOffset,
                           CompletableFuture<Void> durable) {
}
