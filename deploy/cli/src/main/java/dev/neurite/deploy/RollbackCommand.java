package dev.neurite.deploy;

import com.google.gson.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Locale;

/** {@code rollback}: puts back the version a bundle had before its last update ({@code bundles/rollback}). */
@Command(name = "rollback", description = "Restore the previous version of a bundle on devices.")
final class RollbackCommand extends FleetCommand {

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "symbolic name or id of the bundle")
    String bundle;

    @Override
    int run(FleetClient fleet, List<FleetClient.Device> devices) throws Exception {
        Table table = new Table("DEVICE", "BUNDLE", "VERSION", "STATE", "TIME", "ERROR");
        boolean allOk = true;
        for (FleetClient.Device d : devices) {
            long start = System.nanoTime();
            JsonObject args = new JsonObject();
            args.addProperty("bundle", bundle);
            FleetClient.Reply reply = d.online() ? fleet.call(d.id(), "bundles", "rollback", args) : null;
            String time = String.format(Locale.ROOT, "%.1fs", (System.nanoTime() - start) / 1e9);
            if (reply == null) {
                allOk = false;
                table.row(d.id(), bundle, "-", d.online() ? "TIMEOUT" : "OFFLINE", time,
                        d.online() ? "no answer within " + fleet.timeoutSeconds() + " s" : "device is offline");
            } else if (!reply.ok()) {
                allOk = false;
                table.row(d.id(), bundle, "-", "FAILED", time, reply.error());
            } else {
                JsonObject r = reply.result();
                table.row(d.id(), FleetClient.text(r, "symbolicName"), FleetClient.text(r, "version"),
                        FleetClient.text(r, "state"), time, null);
            }
        }
        table.print(System.out);
        return allOk ? NeuriteDeploy.OK : NeuriteDeploy.FAILED;
    }
}
