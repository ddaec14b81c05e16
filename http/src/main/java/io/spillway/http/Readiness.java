package io.spillway.http;

/**
 * Whether the broker takes traffic, for {@code /ready}: not ready while it starts, ready once the Kafka listener is
 * bound and the coordinators have loaded their state, not ready again from the moment it starts to stop (so a load
 * balancer or Kubernetes stops sending clients before the listener goes away). Thread safe.
 */
public final class Readiness {
    private enum State { STARTING, READY, STOPPING }

    private volatile State state = State.STARTING;

    /** The Kafka listener is bound and the coordinators are loaded. */
    public void ready() {
        if (state == State.STARTING) {
            state = State.READY;
        }
    }

    /** The broker is stopping; it never becomes ready again. */
    public void stopping() {
        state = State.STOPPING;
    }

    public boolean isReady() {
        return state == State.READY;
    }

    /** "starting", "ready" or "stopping", for the /ready body. */
    public String describe() {
        return state.name().toLowerCase(java.util.Locale.ROOT);
    }
}
