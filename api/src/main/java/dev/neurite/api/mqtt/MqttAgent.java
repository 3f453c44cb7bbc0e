package dev.neurite.api.mqtt;

import org.osgi.annotation.versioning.ProviderType;

/** The edge agent that links this device to an MQTT broker, registered while it runs. */
@ProviderType
public interface MqttAgent {

    /** Its connection and outbox now. */
    MqttStatus status();
}
