package dev.neurite.edge.core;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptPublishMessage;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/** An in-memory Moquette broker on a free loopback port, restartable on the same port. */
final class TestBroker implements AutoCloseable {

    final int port;
    private Server server;
    private final List<BiConsumer<String, String>> publishWatchers = new CopyOnWriteArrayList<>();

    TestBroker() throws IOException {
        this.port = freePort();
        start();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Sees every message a client publishes to the broker (topic, payload). */
    void watchPublishes(BiConsumer<String, String> watcher) {
        publishWatchers.add(watcher);
    }

    synchronized void start() throws IOException {
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("persistence_enabled", "false");
        p.setProperty("netty.mqtt.message_size", Integer.toString(16 << 20));
        Server s = new Server();
        s.startServer(new MemoryConfig(p), List.of(new AbstractInterceptHandler() {
            @Override
            public String getID() {
                return "test-watch";
            }

            @Override
            public void onPublish(InterceptPublishMessage msg) {
                String payload = msg.getPayload().toString(StandardCharsets.UTF_8);
                for (BiConsumer<String, String> w : publishWatchers) {
                    w.accept(msg.getTopicName(), payload);
                }
            }

            @Override
            public void onSessionLoopError(Throwable error) {
            }
        }));
        server = s;
    }

    synchronized void stop() {
        if (server != null) {
            server.stopServer();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
