package io.spillway.http.rest;

import java.util.List;

/**
 * What {@code GET /api/v1/status} reports that no Kafka request answers: counts the broker keeps anyway and its
 * listeners. Supplied by the server, which owns them. Implementations are thread safe and cheap to ask.
 */
public interface BrokerFacts {
    int topicCount();

    long partitionCount();

    /** The Kafka listeners as "NAME PROTOCOL host:port", and the HTTP one. */
    List<String> listeners();

    /** Spillway's version. */
    String version();
}
