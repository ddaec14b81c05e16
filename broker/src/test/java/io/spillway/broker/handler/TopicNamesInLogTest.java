package io.spillway.broker.handler;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TopicNamesInLogTest {
    @Test
    void aLargeRequestStaysOneShortLine() {
        assertEquals("a, b", TopicNamesInLog.list(List.of("a", "b")));
        List<String> many = IntStream.range(0, 25).mapToObj(i -> "t" + i).toList();
        assertEquals("t0, t1, t2, t3, t4, t5, t6, t7, t8, t9 and 15 more", TopicNamesInLog.list(many));
    }
}
