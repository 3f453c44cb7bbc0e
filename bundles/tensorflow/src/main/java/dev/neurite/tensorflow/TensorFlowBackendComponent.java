package dev.neurite.tensorflow;

import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.accelerator.AcceleratorKind;
import dev.neurite.api.tensor.Backend;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.GraphInstance;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

/**
 * Loads TensorFlow for the process and offers it as {@link Backend} services
 * ({@code neurite.backend=tensorflow}): this component is the backend of TF's preferred device
 * (the first GPU, else the CPU), and each further TF device is registered as another backend
 * service with its own {@link Backend#device()}.
 *
 * <p>Natives are extracted to the configured cache directory; empty means the framework or
 * system property {@value TensorFlowRuntime#CACHE_DIR_PROPERTY} if set, else
 * {@code <neurite.home>/cache/javacpp}.
 */
@Component(service = Backend.class, property = Backend.NAME_PROPERTY + "=" + TfBackend.NAME,
        configurationPid = TensorFlowBackendComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = TensorFlowBackendComponent.Config.class)
public class TensorFlowBackendComponent implements Backend {

    public static final String PID = "dev.neurite.tensorflow";

    @ObjectClassDefinition(name = "Neurite TensorFlow backend", description = "Where TF's natives are extracted")
    public @interface Config {
        @AttributeDefinition(name = "Native cache directory", description = "JavaCPP extraction directory; relative "
                + "paths are under the runtime home. Empty: the org.bytedeco.javacpp.cachedir property, else "
                + "<home>/cache/javacpp", required = false)
        String cacheDirectory() default "";
    }

    private final TfBackend primary;
    private final List<ServiceRegistration<Backend>> others = new ArrayList<>();

    @Activate
    public TensorFlowBackendComponent(BundleContext context, Config config) throws IOException {
        TensorFlowRuntime.load(cacheDir(context, config));
        List<AcceleratorDescriptor> devices = TensorFlowRuntime.devices();
        if (devices.isEmpty()) {
            throw new IllegalStateException("TensorFlow lists no devices");
        }
        AcceleratorDescriptor preferred = devices.stream().filter(d -> d.kind() == AcceleratorKind.GPU).findFirst()
                .orElse(devices.get(0));
        primary = new TfBackend(preferred);
        for (AcceleratorDescriptor d : devices) {
            if (d != preferred) {
                Hashtable<String, Object> props = new Hashtable<>();
                props.put(Backend.NAME_PROPERTY, TfBackend.NAME);
                others.add(context.registerService(Backend.class, new TfBackend(d), props));
            }
        }
    }

    static Path cacheDir(BundleContext context, Config config) {
        String configured = config.cacheDirectory();
        if (configured == null || configured.isBlank()) {
            configured = context.getProperty(TensorFlowRuntime.CACHE_DIR_PROPERTY);
        }
        String home = context.getProperty("neurite.home");
        Path base = Path.of(home == null || home.isBlank() ? System.getProperty("user.dir") : home);
        if (configured == null || configured.isBlank()) {
            return base.resolve("cache").resolve("javacpp").toAbsolutePath();
        }
        return base.resolve(configured).toAbsolutePath().normalize();
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<Backend> r : others) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        others.clear();
    }

    @Override
    public String name() {
        return primary.name();
    }

    @Override
    public AcceleratorDescriptor device() {
        return primary.device();
    }

    @Override
    public GraphInstance open(Graph graph) {
        return primary.open(graph);
    }

    /** The backend this component delegates to (for exports). */
    public TfBackend backend() {
        return primary;
    }

    @Override
    public String toString() {
        return "TensorFlowBackendComponent[" + primary + ", " + others.size() + " more devices]";
    }
}
