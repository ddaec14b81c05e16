package io.spillway.protocol;

import io.netty.util.ReferenceCounted;
import io.netty.channel.Channel;

import java.util.ArrayDeque;

/**
 * The responses of one connection in request order. A request takes a slot when it arrives; the
 * slot is filled when its handler finishes (in any order); filled slots at the head are written.
 * Requests without a response (acks=0) fill their slot with nothing.
 *
 * <p>Owned by the connection's event loop: every method must be called on it.
 */
final class InFlightResponses {
    /** A response to be written, or null for "no response"; set once. */
    static final class Slot {
        private boolean done;
        private ReferenceCounted response;
        /** Close the connection once everything before this slot is written (malformed request). */
        private boolean close;
    }

    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    /** Set once the connection is finished; late responses are dropped. */
    private boolean closed;

    Slot reserve() {
        Slot slot = new Slot();
        slots.add(slot);
        return slot;
    }

    int size() {
        return slots.size();
    }

    /**
     * Marks a slot as the end of the connection: the responses before it are still written (as
     * Kafka answers every request it read before a bad one), then the connection closes.
     */
    void completeWithClose(Slot slot, Channel channel) {
        completeWithClose(slot, null, channel);
    }

    /** As {@link #completeWithClose(Slot, Channel)}, with a last response written before the close (failed SASL). */
    void completeWithClose(Slot slot, ReferenceCounted lastResponse, Channel channel) {
        slot.close = true;
        complete(slot, lastResponse, channel);
    }

    /** Fills a slot and writes every completed response at the head of the queue. */
    void complete(Slot slot, ReferenceCounted response, Channel channel) {
        if (closed) {
            if (response != null) {
                response.release();
            }
            return;
        }
        slot.done = true;
        slot.response = response;
        boolean wrote = false;
        while (!slots.isEmpty() && slots.peek().done) {
            Slot head = slots.poll();
            if (head.close) {
                Object last = head.response != null && channel.isActive() ? head.response
                        : io.netty.buffer.Unpooled.EMPTY_BUFFER;
                head.response = null;
                channel.writeAndFlush(last).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                clear();
                return;
            }
            if (head.response != null) {
                if (channel.isActive()) {
                    channel.write(head.response, channel.voidPromise());
                    wrote = true;
                } else {
                    head.response.release();
                }
            }
        }
        if (wrote) {
            channel.flush();
        }
    }

    /** Drops unsent responses when the connection closes. */
    void clear() {
        closed = true;
        for (Slot slot : slots) {
            if (slot.response != null) {
                slot.response.release();
            }
        }
        slots.clear();
    }
}
