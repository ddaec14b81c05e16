package io.spillway.coordinator.group.classic;

import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A member of a classic group: who it is, the protocols it supports, its assignment, and the
 * join/sync requests it has waiting. Owned by the group coordinator's event thread.
 */
public final class ClassicMember {
    /** One protocol a member supports (e.g. "range" with its subscription bytes). */
    record Protocol(String name, byte[] metadata) {
    }

    String memberId;
    final String groupInstanceId;
    String clientId;
    String clientHost;
    int rebalanceTimeoutMs;
    int sessionTimeoutMs;
    List<Protocol> protocols;
    byte[] assignment = new byte[0];

    CompletableFuture<JoinGroupResponseData> pendingJoin;
    CompletableFuture<SyncGroupResponseData> pendingSync;
    /** Whether it sent JoinGroup in the current rebalance (false once the join completes). */
    boolean joinedThisRebalance;

    ClassicMember(String memberId, String groupInstanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
                  int sessionTimeoutMs, List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = protocols;
    }

    public String memberId() {
        return memberId;
    }

    public String groupInstanceId() {
        return groupInstanceId;
    }

    public String clientId() {
        return clientId;
    }

    public String clientHost() {
        return clientHost;
    }

    public byte[] assignment() {
        return assignment;
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    public byte[] metadata(String protocolName) {
        for (Protocol p : protocols) {
            if (p.name().equals(protocolName)) {
                return p.metadata();
            }
        }
        return new byte[0];
    }

    boolean supports(String protocolName) {
        return protocols.stream().anyMatch(p -> p.name().equals(protocolName));
    }

    boolean sameProtocols(List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            if (!other.get(i).name().equals(protocols.get(i).name())
                    || !java.util.Arrays.equals(other.get(i).metadata(), protocols.get(i).metadata())) {
                return false;
            }
        }
        return true;
    }
}
