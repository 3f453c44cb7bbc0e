package dev.neurite.edge.osgi;

import dev.neurite.api.mqtt.MqttStatus;
import dev.neurite.edge.core.CommandDispatcher;
import dev.neurite.edge.core.EdgeAgent;
import dev.neurite.edge.core.Outbox;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The agent's connection and outbox as the {@code MqttAgent} contract shows them to other bundles. */
class MqttAgentContractTest {

    @Test
    void statusCarriesConnectionAndOutboxCounters() {
        Outbox.Stats outbox = new Outbox.Stats(7, 2048, 2, 120, 111, 3, 0, 0, 120);
        EdgeAgent.Status agent = new EdgeAgent.Status("gw-1", true, "tcp://broker:1883", 4, 3, "timed out", 5, outbox,
                new CommandDispatcher.Stats(0, 0, 0, 0, 0));
        MqttStatus s = AgentComponent.contractStatus(agent, List.of("tcp://broker:1883", "tcp://spare:1883"));
        assertEquals(new MqttStatus("gw-1", true, "tcp://broker:1883", List.of("tcp://broker:1883", "tcp://spare:1883"),
                4, 3, "timed out", 7, 2048, 2, 120, 111, 3), s);
    }

    @Test
    void aComponentThatIsNotRunningReportsDisconnected() {
        MqttStatus s = new AgentComponent().status();
        assertFalse(s.connected());
        assertEquals("edge agent not running", s.lastError());
        assertEquals(0, s.queued());
    }
}
