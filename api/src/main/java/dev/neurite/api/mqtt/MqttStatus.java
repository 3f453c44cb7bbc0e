package dev.neurite.api.mqtt;

import java.util.List;

/**
 * A snapshot of the MQTT link and of the outbox that holds outgoing messages while it is down.
 *
 * @param deviceId         the device id in topics
 * @param connected        whether a broker connection is up
 * @param broker           URI of the connected broker, or {@code null} when disconnected
 * @param brokers          configured broker URIs, in the order they are tried
 * @param connects         successful connects since start
 * @param connectionLosses connections lost since start
 * @param lastError        the last connection error, or {@code null}
 * @param queued           messages waiting in the outbox
 * @param queuedBytes      their size
 * @param inflight         messages sent but not yet acknowledged
 * @param enqueued         messages ever put in the outbox
 * @param acknowledged     messages the broker acknowledged
 * @param dropped          low-priority messages dropped because the outbox was full
 */
public record MqttStatus(String deviceId, boolean connected, String broker, List<String> brokers, long connects,
                         long connectionLosses, String lastError, int queued, long queuedBytes, int inflight,
                         long enqueued, long acknowledged, long dropped) {

    public MqttStatus {
        brokers = brokers == null ? List.of() : List.copyOf(brokers);
    }
}
