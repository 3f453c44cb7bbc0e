package dev.neurite.webconsole;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.neurite.api.mqtt.MqttAgent;
import dev.neurite.api.mqtt.MqttStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

class DevicePluginTest {

    @Test
    void historyIsBoundedAndSamplesArePlausible() {
        DeviceSampler sampler = new DeviceSampler(3);
        for (int i = 0; i < 5; i++) {
            sampler.sample();
        }
        List<DeviceSampler.Sample> history = sampler.history();
        assertEquals(3, history.size());
        for (DeviceSampler.Sample s : history) {
            assertTrue(s.cpuLoad() >= 0 && s.cpuLoad() <= 1, "cpu load " + s.cpuLoad());
            assertTrue(s.memoryTotalBytes() > 0 && s.memoryUsedBytes() > 0 && s.memoryUsedBytes() <= s.memoryTotalBytes());
            assertTrue(s.heapUsedBytes() > 0);
        }
        assertTrue(sampler.logicalCores() >= 1);
    }

    @Test
    void deviceJsonHasChartsAndTheMqttLink() throws Exception {
        DeviceSampler sampler = new DeviceSampler(10);
        sampler.sample();
        sampler.sample();
        DevicePlugin plugin = new DevicePlugin(sampler);
        MqttAgent agent = mock(MqttAgent.class);
        when(agent.status()).thenReturn(new MqttStatus("gw-<1>", true, "tcp://127.0.0.1:1883", List.of("tcp://127.0.0.1:1883"),
                2, 1, null, 5, 1024, 1, 40, 35, 3));
        plugin.mqtt = agent;
        Browser.Exchange get = new Browser().get("/" + DevicePlugin.LABEL + "/device.json");
        plugin.doGet(get.request, get.response);
        JsonObject body = JsonParser.parseString(get.body()).getAsJsonObject();
        assertEquals(2, body.getAsJsonObject("charts").getAsJsonObject("cpu").getAsJsonArray("x").size());
        assertEquals(2, body.getAsJsonObject("charts").getAsJsonObject("memory").getAsJsonObject("series")
                .getAsJsonArray("memory used (MiB)").size());
        JsonObject fields = body.getAsJsonObject("fields");
        assertEquals("connected to tcp://127.0.0.1:1883", fields.get("mqtt-connected").getAsString());
        assertEquals("5 (1.0 KiB), 1 in flight", fields.get("outbox-queued").getAsString());
        assertEquals("3", fields.get("outbox-dropped").getAsString());

        Browser.Exchange page = new Browser().get("/" + DevicePlugin.LABEL);
        plugin.renderContent(page.request, page.response);
        assertTrue(page.body().contains("<td>Device id</td><td>gw-&lt;1&gt;</td>"), page.body());

        plugin.mqtt = null;
        Browser.Exchange without = new Browser().get("/" + DevicePlugin.LABEL + "/device.json");
        plugin.doGet(without.request, without.response);
        assertEquals("no edge agent installed", JsonParser.parseString(without.body()).getAsJsonObject().getAsJsonObject("fields")
                .get("mqtt-connected").getAsString());
    }
}
