package dev.neurite.deploy;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * A command for a set of devices: it takes the target and connection options, connects, finds
 * the devices, refuses an empty group, and hands the client and the devices to {@link #run}.
 */
abstract class FleetCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    TargetOptions target;

    @Mixin
    ConnectionOptions connection;

    @Override
    public final Integer call() throws Exception {
        Integer refused = prepare();
        if (refused != null) {
            return refused;
        }
        try (FleetClient fleet = FleetClient.connect(connection)) {
            List<FleetClient.Device> devices = fleet.devices(target, connection.discoveryMillis);
            if (devices.isEmpty()) {
                System.err.println("neurite-deploy: no online device lists group '" + target.group + "' in its state document");
                return NeuriteDeploy.FAILED;
            }
            return run(fleet, devices);
        }
    }

    /** Checks or loads what the command needs before connecting; an exit status stops it, null goes on. */
    Integer prepare() {
        return null;
    }

    /** The command's work on the devices; returns the exit status. */
    abstract int run(FleetClient fleet, List<FleetClient.Device> devices) throws Exception;
}
