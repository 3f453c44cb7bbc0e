package dev.neurite.edge.core;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything the agent core needs to run, independent of where it came from (ConfigAdmin
 * in the framework, a builder in tests and benchmarks).
 */
public record AgentSettings(
        String deviceId,
        String topicRoot,
        List<String> brokerUris,
        String username,
        String password,
        Tls tls,
        int keepAliveSeconds,
        int connectTimeoutSeconds,
        boolean cleanSession,
        long reconnectMinMillis,
        long reconnectMaxMillis,
        List<String> fleetGroups,
        Path outboxDirectory,
        int outboxMaxMessages,
        long outboxMaxBytes,
        boolean outboxFsync,
        int maxInflight,
        int maxPayloadBytes,
        int commandThreads,
        int rememberedIds,
        long metricsIntervalMillis,
        long progressIntervalMillis) {

    /** TLS material; {@code null} paths mean the JVM defaults. */
    public record Tls(Path trustStore, char[] trustStorePassword, String trustStoreType,
                      Path keyStore, char[] keyStorePassword, String keyStoreType) {
    }

    public AgentSettings {
        brokerUris = List.copyOf(brokerUris);
        fleetGroups = fleetGroups == null ? List.of() : List.copyOf(fleetGroups);
        if (brokerUris.isEmpty()) {
            throw new IllegalArgumentException("at least one broker URI is needed");
        }
    }

    /** Defaults for a device on a local broker, with the outbox in {@code outbox}. */
    public static AgentSettings defaults(String deviceId, String brokerUri, Path outbox) {
        return new AgentSettings(deviceId, "neurite/v1", List.of(brokerUri), null, null, null, 30, 10, true,
                1_000, 60_000, List.of(), outbox, 10_000, 16L << 20, true, 32, 1 << 20, 2, 1024, 30_000, 1_000);
    }

    public AgentSettings withReconnect(long minMillis, long maxMillis) {
        return new AgentSettings(deviceId, topicRoot, brokerUris, username, password, tls, keepAliveSeconds,
                connectTimeoutSeconds, cleanSession, minMillis, maxMillis, fleetGroups, outboxDirectory,
                outboxMaxMessages, outboxMaxBytes, outboxFsync, maxInflight, maxPayloadBytes, commandThreads,
                rememberedIds, metricsIntervalMillis, progressIntervalMillis);
    }

    public AgentSettings withMetricsInterval(long millis) {
        return new AgentSettings(deviceId, topicRoot, brokerUris, username, password, tls, keepAliveSeconds,
                connectTimeoutSeconds, cleanSession, reconnectMinMillis, reconnectMaxMillis, fleetGroups, outboxDirectory,
                outboxMaxMessages, outboxMaxBytes, outboxFsync, maxInflight, maxPayloadBytes, commandThreads,
                rememberedIds, millis, progressIntervalMillis);
    }

    public AgentSettings withOutbox(int maxMessages, long maxBytes) {
        return new AgentSettings(deviceId, topicRoot, brokerUris, username, password, tls, keepAliveSeconds,
                connectTimeoutSeconds, cleanSession, reconnectMinMillis, reconnectMaxMillis, fleetGroups, outboxDirectory,
                maxMessages, maxBytes, outboxFsync, maxInflight, maxPayloadBytes, commandThreads,
                rememberedIds, metricsIntervalMillis, progressIntervalMillis);
    }

    public AgentSettings withFleetGroups(List<String> groups) {
        return new AgentSettings(deviceId, topicRoot, brokerUris, username, password, tls, keepAliveSeconds,
                connectTimeoutSeconds, cleanSession, reconnectMinMillis, reconnectMaxMillis, groups, outboxDirectory,
                outboxMaxMessages, outboxMaxBytes, outboxFsync, maxInflight, maxPayloadBytes, commandThreads,
                rememberedIds, metricsIntervalMillis, progressIntervalMillis);
    }

    public AgentSettings withMaxPayload(int bytes) {
        return new AgentSettings(deviceId, topicRoot, brokerUris, username, password, tls, keepAliveSeconds,
                connectTimeoutSeconds, cleanSession, reconnectMinMillis, reconnectMaxMillis, fleetGroups, outboxDirectory,
                outboxMaxMessages, outboxMaxBytes, outboxFsync, maxInflight, bytes, commandThreads,
                rememberedIds, metricsIntervalMillis, progressIntervalMillis);
    }
}
