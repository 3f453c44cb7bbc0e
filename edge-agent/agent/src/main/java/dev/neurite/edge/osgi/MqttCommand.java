package dev.neurite.edge.osgi;

import dev.neurite.edge.core.EdgeAgent;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo {@code neurite:mqtt}: connection, broker, outbox depth and drop counts. */
@Component(service = MqttCommand.class, property = {
        "osgi.command.scope=neurite",
        "osgi.command.function=mqtt"})
public class MqttCommand {

    @Reference
    AgentComponent agent;

    @Descriptor("shows the MQTT connection, broker, outbox depth and drop counts")
    public String mqtt() {
        EdgeAgent.Status s = agent.agentStatus();
        if (s == null) {
            return "edge agent not running\n";
        }
        StringBuilder out = new StringBuilder();
        out.append("device        ").append(s.deviceId()).append('\n');
        out.append("connected     ").append(s.connected() ? "yes, to " + s.broker() : "no").append('\n');
        out.append("brokers       ").append(String.join(", ", agent.brokers())).append('\n');
        out.append("connects      ").append(s.connects()).append(" (connection losses ").append(s.connectionLosses())
                .append(")\n");
        if (s.lastError() != null) {
            out.append("last error    ").append(s.lastError()).append('\n');
        }
        out.append("outbox        ").append(s.outbox().depth()).append(" queued, ").append(s.outbox().bytes())
                .append(" bytes, ").append(s.outbox().inflight()).append(" in flight\n");
        out.append("dropped       ").append(s.outbox().dropped()).append(" (persist failures ")
                .append(s.outbox().persistFailures()).append(", corrupt discarded ")
                .append(s.outbox().corruptDiscarded()).append(")\n");
        out.append("sent          ").append(s.outbox().acknowledged()).append(" acknowledged of ")
                .append(s.outbox().enqueued()).append(" queued; last seq ").append(s.outbox().lastSeq()).append('\n');
        out.append("commands      ").append(s.commands().received()).append(" received, ").append(s.commands().executed())
                .append(" executed, ").append(s.commands().errors()).append(" errors, ").append(s.commands().duplicates())
                .append(" duplicates, ").append(s.commands().unanswerable()).append(" unanswerable\n");
        out.append("births        ").append(s.births()).append('\n');
        return out.toString();
    }
}
