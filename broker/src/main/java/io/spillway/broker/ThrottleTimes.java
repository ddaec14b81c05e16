package io.spillway.broker;

import org.apache.kafka.common.protocol.ApiMessage;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Reads and sets the throttle_time_ms field of any response message. Kafka's generated response classes all name
 * it the same, but share no interface for it, so it is found once per class by name; a response without the
 * field (ApiVersions v0, old versions of some APIs) is left alone.
 */
final class ThrottleTimes {
    private record Accessors(MethodHandle getter, MethodHandle setter) {
    }

    private static final ClassValue<Accessors> ACCESSORS = new ClassValue<>() {
        @Override
        protected Accessors computeValue(Class<?> type) {
            try {
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                return new Accessors(lookup.findVirtual(type, "throttleTimeMs", MethodType.methodType(int.class)),
                        lookup.findVirtual(type, "setThrottleTimeMs", MethodType.methodType(type, int.class)));
            } catch (ReflectiveOperationException e) {
                return null;
            }
        }
    };

    private ThrottleTimes() {
    }

    /** Raises the response's throttle_time_ms to at least {@code ms}. */
    static void atLeast(ApiMessage response, int ms) {
        Accessors accessors = ACCESSORS.get(response.getClass());
        if (accessors == null || ms <= 0) {
            return;
        }
        try {
            int current = (int) accessors.getter.invoke(response);
            if (current < ms) {
                accessors.setter.invoke(response, ms);
            }
        } catch (Throwable e) {
            throw new IllegalStateException("cannot set throttle_time_ms of " + response.getClass().getName(), e);
        }
    }
}
