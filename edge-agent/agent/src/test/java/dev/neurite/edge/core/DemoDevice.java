package dev.neurite.edge.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A device without OSGi for scripts and manual trials: the agent core with the real job
 * engine and the softmax-regression algorithm (blobs data), until killed.
 *
 * <p>Arguments: {@code <brokerUri> <deviceId> <homeDir>}.
 */
public final class DemoDevice {

    private DemoDevice() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: DemoDevice <brokerUri> <deviceId> <homeDir>");
            System.exit(2);
        }
        Path home = Files.createDirectories(Path.of(args[2]));
        AgentHarness h = new AgentHarness(home, args[1], args[0], s -> s.withMetricsInterval(5_000));
        Runtime.getRuntime().addShutdownHook(new Thread(h::close));
        h.awaitConnected();
        System.out.println("device " + args[1] + " connected to " + args[0]);
        new CountDownLatch(1).await();
    }
}
