package dev.neurite.runtime.data;

import dev.neurite.api.data.DatasetRegistry;
import dev.neurite.runtime.home.RuntimeHome;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The dataset registry service over the configured data directories. */
@Component(service = {DatasetRegistry.class, DataDirectoryRegistry.class}, configurationPid = DatasetRegistryComponent.PID)
@Designate(ocd = DatasetRegistryComponent.Config.class)
public class DatasetRegistryComponent extends DataDirectoryRegistry {

    public static final String PID = "dev.neurite.datasets";
    /** Framework property with comma-separated data directories, used when none are configured. */
    public static final String DIRS_PROPERTY = "neurite.data.dirs";
    /** Where Debian's dataset-fashion-mnist package installs its files. */
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    @ObjectClassDefinition(name = "Neurite datasets", description = "Directories searched for datasets")
    public @interface Config {
        @AttributeDefinition(name = "Directories", description = "Data directories, searched in order. "
                + "Empty: the framework property neurite.data.dirs, else <home>/data plus "
                + "/usr/share/datasets/fashion-mnist when it exists", required = false)
        String[] directories() default {};
    }

    @Activate
    public DatasetRegistryComponent(BundleContext context, Config config) {
        super(directories(context, config));
    }

    static List<Path> directories(BundleContext context, Config config) {
        List<Path> dirs = new ArrayList<>();
        Path home = RuntimeHome.of(context);
        String[] configured = config.directories();
        if (configured.length == 0) {
            String property = context.getProperty(DIRS_PROPERTY);
            configured = property == null || property.isBlank() ? new String[0] : property.split(",");
        }
        for (String dir : configured) {
            if (!dir.isBlank()) {
                dirs.add(home.resolve(dir.trim()).normalize());
            }
        }
        if (dirs.isEmpty()) {
            dirs.add(home.resolve("data"));
            if (Files.isDirectory(DEBIAN_FASHION_MNIST)) {
                dirs.add(DEBIAN_FASHION_MNIST);
            }
        }
        return dirs;
    }
}
