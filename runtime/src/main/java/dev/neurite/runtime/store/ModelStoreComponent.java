package dev.neurite.runtime.store;

import dev.neurite.api.model.ModelStore;
import dev.neurite.runtime.home.RuntimeHome;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import java.io.IOException;

/** The model store service, rooted in a configurable directory. */
@Component(service = ModelStore.class, configurationPid = ModelStoreComponent.PID)
@Designate(ocd = ModelStoreComponent.Config.class)
public class ModelStoreComponent extends FileModelStore {

    public static final String PID = "dev.neurite.models";

    @ObjectClassDefinition(name = "Neurite model store", description = "Where trained models are kept")
    public @interface Config {
        @AttributeDefinition(name = "Directory", description = "Model directory; relative paths are under the runtime home. Empty: <home>/models", required = false)
        String directory() default "";
    }

    @Activate
    public ModelStoreComponent(BundleContext context, Config config) throws IOException {
        super(RuntimeHome.dir(context, config.directory(), "models"));
    }
}
