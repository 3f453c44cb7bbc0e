package dev.neurite.runtime.shell;

import dev.neurite.api.job.InvalidRequestException;
import dev.neurite.api.job.JobRequest;
import dev.neurite.api.model.Activation;
import dev.neurite.api.model.ModelSpec;
import dev.neurite.runtime.data.DataDirectoryRegistry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns {@code key=value} words into a {@link JobRequest}. The keys below are the request's
 * own; every other key is a hyperparameter of the algorithm. {@code hidden} needs the
 * dataset's size, so the registry is consulted for it.
 */
final class TrainArguments {

    private TrainArguments() {
    }

    static JobRequest parse(String algorithm, String[] words, DataDirectoryRegistry datasets) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String word : words == null ? new String[0] : words) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new InvalidRequestException(null, "expected key=value, got '" + word + "'");
            }
            settings.put(word.substring(0, eq).trim(), word.substring(eq + 1).trim());
        }
        String train = settings.containsKey("dataset") ? settings.remove("dataset") : "mnist/train";
        String test = settings.remove("test");
        if (test == null && train.endsWith("/train")) {
            String candidate = train.substring(0, train.length() - "/train".length()) + "/test";
            test = datasets.exists(candidate) ? candidate : null;
        } else if ("none".equals(test)) {
            test = null;
        }
        long seed = 1;
        String seedText = settings.remove("seed");
        if (seedText != null) {
            try {
                seed = Long.parseLong(seedText);
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("seed", "expected an integer, got '" + seedText + "'");
            }
        }
        String name = settings.remove("name");
        String device = settings.remove("device");
        String hidden = settings.remove("hidden");
        String activationText = settings.remove("activation");
        ModelSpec model = null;
        if (hidden != null) {
            model = mlp(train, hidden, activationText, datasets);
        } else if (activationText != null) {
            throw new InvalidRequestException("activation", "give hidden=... together with activation");
        }
        return new JobRequest(algorithm, train, test, model, settings, seed, name, device);
    }

    private static ModelSpec mlp(String train, String hidden, String activationText, DataDirectoryRegistry datasets) {
        int[] widths;
        if (hidden.isEmpty() || hidden.equals("none")) {
            widths = new int[0];
        } else {
            String[] parts = hidden.split(",");
            widths = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    widths[i] = Integer.parseInt(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new InvalidRequestException("hidden", "expected comma-separated widths, got '" + hidden + "'");
                }
                if (widths[i] <= 0) {
                    throw new InvalidRequestException("hidden", "widths must be positive, got '" + hidden + "'");
                }
            }
        }
        Activation activation;
        try {
            activation = activationText == null ? Activation.RELU : Activation.valueOf(activationText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("activation", "expected relu, tanh, sigmoid or identity, got '" + activationText + "'");
        }
        try {
            var data = datasets.open(train);
            return ModelSpec.mlp(data.featureSize(), widths, activation, data.numClasses());
        } catch (dev.neurite.api.data.DatasetException e) {
            throw new InvalidRequestException("dataset", e.getMessage());
        }
    }
}
