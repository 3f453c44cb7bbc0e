package dev.neurite.edge.core;

import com.google.gson.JsonObject;
import dev.neurite.edge.Topics;

/** Queues outgoing telemetry: each message gets the device id, a sequence number and a timestamp. */
public interface Publisher {

    Topics topics();

    /**
     * Queues {@code body} for {@code topic} through the persisted outbox.
     *
     * @return its sequence number, or -1 when a low-priority message was dropped
     */
    long publish(String topic, JsonObject body, Outbox.Priority priority);
}
