package io.spillway.coordinator.group.consumer;

/**
 * Where a consumer-protocol member is in reconciling its current assignment with its target, with
 * stable ids for the persisted current-assignment record.
 *
 * <pre>
 *   STABLE ──target epoch moved──► UNREVOKED_PARTITIONS ──member acked revocation──► next step
 *     ▲                                │ (must give partitions up first)
 *     │                                ▼
 *     └──── all targeted partitions free ◄── UNRELEASED_PARTITIONS (waits for other members to revoke)
 *   UNKNOWN: read from a record written by a newer version; the member must rejoin with nothing owned.
 * </pre>
 */
public enum MemberState {
    STABLE((byte) 0),
    UNREVOKED_PARTITIONS((byte) 1),
    UNRELEASED_PARTITIONS((byte) 2),
    UNKNOWN((byte) 127);

    private final byte id;

    MemberState(byte id) {
        this.id = id;
    }

    byte id() {
        return id;
    }

    static MemberState fromId(byte id) {
        for (MemberState s : values()) {
            if (s.id == id) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
