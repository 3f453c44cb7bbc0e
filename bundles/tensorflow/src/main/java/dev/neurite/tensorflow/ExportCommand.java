package dev.neurite.tensorflow;

import dev.neurite.api.model.ModelArtifact;
import dev.neurite.api.model.ModelNotFoundException;
import dev.neurite.api.model.ModelStore;
import dev.neurite.api.tensor.Backend;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Gogo {@code neurite:export}: writes a stored model as a TensorFlow SavedModel. */
@Component(service = ExportCommand.class, property = {
        "osgi.command.scope=neurite",
        "osgi.command.function=export"})
public class ExportCommand {

    /** Present only once TF's natives are loaded: the exporter needs them. */
    @Reference(target = "(" + Backend.NAME_PROPERTY + "=" + TfBackend.NAME + ")")
    Backend tensorflow;
    @Reference
    ModelStore models;

    /** {@code neurite:export <name>[:<version>] <directory> [batch]}; the newest version when none is given. */
    public String export(String model, String directory, int batch) {
        try {
            int colon = model.lastIndexOf(':');
            ModelArtifact artifact = colon < 0 ? models.loadLatest(model)
                    : models.load(model.substring(0, colon), Integer.parseInt(model.substring(colon + 1)));
            Path target = Path.of(directory).toAbsolutePath();
            if (Files.exists(target)) {
                return "refused: " + target + " exists; name a new directory\n";
            }
            SavedModelExport.export(new TfBackend(tensorflow.device()), artifact, batch, target);
            return "exported " + artifact.name() + " (" + artifact.spec().describe() + ") to " + target
                    + " as a SavedModel: input x [" + batch + ", " + artifact.spec().inputSize() + "], output y\n";
        } catch (ModelNotFoundException | NumberFormatException e) {
            return "refused: " + e.getMessage() + "\n";
        } catch (IOException | RuntimeException e) {
            return "export failed: " + e + "\n";
        }
    }

    public String export(String model, String directory) {
        return export(model, directory, 1);
    }
}
