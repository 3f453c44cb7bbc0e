package dev.neurite.deploy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code status}: per device whether it is online, its runtime, its algorithms (from the
 * retained state document) and its jobs ({@code jobs/list}). Exit status 0 only when every
 * device asked for is online.
 */
@Command(name = "status", description = "Show whether devices are online, their runtime, algorithms and jobs.")
final class StatusCommand extends FleetCommand {

    @Override
    int run(FleetClient fleet, List<FleetClient.Device> devices) throws Exception {
        Table table = new Table("DEVICE", "ONLINE", "RUNTIME", "AGENT", "GROUPS", "ALGORITHMS", "JOBS");
        boolean allOnline = true;
        for (FleetClient.Device d : devices) {
            if (!d.online()) {
                allOnline = false;
                table.row(d.id(), d.state().size() == 0 ? "unknown" : "no", "-", "-", "-", "-", "-");
                continue;
            }
            JsonObject runtime = d.object("runtime");
            List<String> algorithms = new ArrayList<>();
            for (JsonElement e : d.array("algorithms")) {
                algorithms.add(FleetClient.text(e.getAsJsonObject(), "name"));
            }
            List<String> groups = new ArrayList<>();
            d.array("groups").forEach(g -> groups.add(g.getAsString()));
            table.row(d.id(), "yes", FleetClient.text(runtime, "version"), FleetClient.text(runtime, "agent"),
                    groups.isEmpty() ? "-" : String.join(",", groups),
                    algorithms.isEmpty() ? "-" : String.join(",", algorithms), jobs(fleet, d.id()));
        }
        table.print(System.out);
        return allOnline ? NeuriteDeploy.OK : NeuriteDeploy.FAILED;
    }

    /** Job counts by state, e.g. {@code RUNNING 1, SUCCEEDED 3}. */
    private static String jobs(FleetClient fleet, String device) throws Exception {
        FleetClient.Reply reply = fleet.call(device, "jobs", "list", new JsonObject());
        if (reply == null) {
            return "no answer";
        }
        if (!reply.ok()) {
            return reply.error();
        }
        Map<String, Integer> byState = new TreeMap<>();
        for (JsonElement e : reply.result().getAsJsonArray("jobs")) {
            String state = FleetClient.text(e.getAsJsonObject(), "state");
            byState.merge(state == null ? "?" : state, 1, Integer::sum);
        }
        if (byState.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        byState.forEach((state, n) -> parts.add(state + " " + n));
        return String.join(", ", parts);
    }
}
