package io.spillway.http.rest;

/** What a REST operation answers when it succeeds: the status (200, or 201 for a creation) and the JSON body. */
public record Reply(int status, Object body) {
    public static Reply ok(Object body) {
        return new Reply(200, body);
    }

    public static Reply created(Object body) {
        return new Reply(201, body);
    }
}
