import org.apache.felix.framework.Felix;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

import java.io.File;
import java.net.Socket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts Felix with every jar of a directory (framework extensions first), then checks that
 * every bundle is active, that the embedded broker listens on 127.0.0.1:1883 and that the
 * agent connected to it. Run by felix-smoke.sh: java -cp felix.jar FelixSmoke.java DIR.
 */
public class FelixSmoke {
    public static void main(String[] args) throws Exception {
        File dir = new File(args[0]);
        Map<String, Object> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, Files.createTempDirectory("felix-smoke").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        Felix felix = new Felix(config);
        felix.init();
        BundleContext context = felix.getBundleContext();
        List<Bundle> bundles = new ArrayList<>();
        File[] jars = dir.listFiles((d, name) -> name.endsWith(".jar"));
        for (File jar : jars) {
            if (jar.getName().contains("framework.extension")) {
                bundles.add(context.installBundle(jar.toURI().toString()));
            }
        }
        felix.start();
        for (File jar : jars) {
            if (!jar.getName().contains("framework.extension")) {
                bundles.add(context.installBundle(jar.toURI().toString()));
            }
        }
        int failures = 0;
        for (Bundle b : bundles) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                try {
                    b.start();
                } catch (BundleException e) {
                    System.out.println("FAILED to start " + b.getSymbolicName() + ": " + e.getMessage());
                    failures++;
                }
            }
        }
        String status = null;
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            ServiceReference<?> ref = context.getServiceReference("dev.neurite.edge.osgi.MqttCommand");
            if (ref != null) {
                Object command = context.getService(ref);
                status = (String) command.getClass().getMethod("mqtt").invoke(command);
                if (status.contains("connected     yes")) {
                    break;
                }
            }
            Thread.sleep(200);
        }
        for (Bundle b : context.getBundles()) {
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (!fragment && b.getState() != Bundle.ACTIVE) {
                System.out.println("NOT ACTIVE " + b.getSymbolicName() + " " + b.getVersion());
                failures++;
            }
        }
        try (Socket s = new Socket("127.0.0.1", 1883)) {
            System.out.println("embedded broker listens on 127.0.0.1:1883");
        } catch (Exception e) {
            System.out.println("FAILED: no embedded broker on 127.0.0.1:1883: " + e);
            failures++;
        }
        System.out.println(status == null ? "FAILED: no neurite:mqtt command" : status);
        if (status == null || !status.contains("connected     yes")) {
            failures++;
        }
        felix.stop();
        felix.waitForStop(30_000);
        System.out.println(failures == 0 ? "felix smoke: OK (" + bundles.size() + " bundles)" : "felix smoke: FAILED");
        System.exit(failures == 0 ? 0 : 1);
    }
}
