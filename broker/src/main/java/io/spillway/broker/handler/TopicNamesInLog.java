package io.spillway.broker.handler;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Names of topics as one log line shows them: all of a small request, the first few and a count of a large one, so
 * that a request creating or deleting thousands of topics still makes one readable line.
 */
final class TopicNamesInLog {
    static final int SHOWN = 10;

    private TopicNamesInLog() {
    }

    static String list(Collection<String> names) {
        String shown = names.stream().limit(SHOWN).collect(Collectors.joining(", "));
        return names.size() <= SHOWN ? shown : shown + " and " + (names.size() - SHOWN) + " more";
    }
}
