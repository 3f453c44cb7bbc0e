package dev.neurite.deploy;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** How to reach the broker the devices use: URI, credentials, TLS material, topic root. */
final class ConnectionOptions {

    @Option(names = "--broker", required = true, paramLabel = "URI",
            description = "MQTT broker, tcp://host:port or ssl://host:port")
    String broker;

    @Option(names = "--username", paramLabel = "NAME", description = "MQTT user name")
    String username;

    @Option(names = "--password", paramLabel = "SECRET", arity = "0..1", interactive = true,
            description = "MQTT password (without a value: asked for)")
    char[] password;

    @Option(names = "--trust-store", paramLabel = "FILE",
            description = "trust store for ssl:// brokers (default: the JVM's trusted certificates)")
    Path trustStore;

    @Option(names = "--trust-store-password", paramLabel = "SECRET", arity = "0..1", interactive = true,
            description = "trust store password")
    char[] trustStorePassword;

    @Option(names = "--trust-store-type", paramLabel = "TYPE", defaultValue = "PKCS12", description = "default: ${DEFAULT-VALUE}")
    String trustStoreType;

    @Option(names = "--key-store", paramLabel = "FILE", description = "key store with the client certificate and key")
    Path keyStore;

    @Option(names = "--key-store-password", paramLabel = "SECRET", arity = "0..1", interactive = true,
            description = "key store password")
    char[] keyStorePassword;

    @Option(names = "--key-store-type", paramLabel = "TYPE", defaultValue = "PKCS12", description = "default: ${DEFAULT-VALUE}")
    String keyStoreType;

    @Option(names = "--topic-root", paramLabel = "ROOT", defaultValue = "neurite/v1",
            description = "topic root the devices use (default: ${DEFAULT-VALUE})")
    String topicRoot;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "give up on a device that answers nothing for this long (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--discovery", paramLabel = "MILLIS", defaultValue = "2000",
            description = "how long to collect the devices' retained state documents (default: ${DEFAULT-VALUE})")
    long discoveryMillis;
}
