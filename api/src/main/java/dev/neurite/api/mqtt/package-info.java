/** The state of the device's MQTT link, for consoles and health checks. */
@Export
@Version("1.0.0")
package dev.neurite.api.mqtt;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
