package dev.neurite.deploy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code list}: the bundles installed on each device ({@code bundles/list}). */
@Command(name = "list", description = "List the bundles on devices.")
final class ListCommand extends FleetCommand {

    @Option(names = "--filter", paramLabel = "TEXT", description = "only bundles whose symbolic name contains TEXT")
    String filter;

    @Override
    int run(FleetClient fleet, List<FleetClient.Device> devices) throws Exception {
        Table table = new Table("DEVICE", "ID", "BUNDLE", "VERSION", "STATE");
        boolean allAnswered = true;
        for (FleetClient.Device d : devices) {
            FleetClient.Reply reply = d.online() ? fleet.call(d.id(), "bundles", "list", new JsonObject()) : null;
            if (reply == null || !reply.ok()) {
                allAnswered = false;
                table.row(d.id(), "-", "-", "-", reply == null ? (d.online() ? "no answer" : "offline") : reply.error());
                continue;
            }
            for (JsonElement e : reply.result().getAsJsonArray("bundles")) {
                JsonObject b = e.getAsJsonObject();
                String bsn = FleetClient.text(b, "symbolicName");
                if (filter == null || (bsn != null && bsn.contains(filter))) {
                    table.row(d.id(), FleetClient.text(b, "id"), bsn, FleetClient.text(b, "version"),
                            FleetClient.text(b, "state"));
                }
            }
        }
        table.print(System.out);
        return allAnswered ? NeuriteDeploy.OK : NeuriteDeploy.FAILED;
    }
}
