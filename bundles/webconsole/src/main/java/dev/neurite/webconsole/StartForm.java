package dev.neurite.webconsole;

import dev.neurite.api.algorithm.Hyperparameter;
import dev.neurite.api.algorithm.TrainingAlgorithm;
import dev.neurite.api.job.InvalidRequestException;
import dev.neurite.api.job.JobRequest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The Jobs page's start form turned into a {@link JobRequest}. Every field is checked and
 * every problem reported at once; a form with any problem yields no request.
 */
final class StartForm {

    static final String HYPERPARAMETER = "hp.";
    static final String AUTO = "";
    static final String NONE = "none";
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private StartForm() {
    }

    /**
     * @param field      the form's value of a field, or null
     * @param fieldNames every field name the form sent
     * @param problems   receives what is wrong
     * @return the request, or null when there were problems
     */
    static JobRequest parse(Function<String, String> field, Iterable<String> fieldNames, List<TrainingAlgorithm> algorithms,
                            Set<String> datasets, List<Problem> problems) {
        String name = trim(field.apply("algorithm"));
        TrainingAlgorithm algorithm = algorithms.stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
        if (algorithm == null) {
            problems.add(new Problem("algorithm", name.isEmpty() ? "choose an algorithm"
                    : "no algorithm named '" + name + "' is installed"));
            return null;
        }
        String train = trim(field.apply("dataset"));
        if (!datasets.contains(train)) {
            problems.add(new Problem("dataset", train.isEmpty() ? "choose a training dataset" : "no dataset named '" + train + "'"));
        }
        String test = trim(field.apply("testDataset"));
        if (test.equals(AUTO)) {
            String candidate = train.endsWith("/train") ? train.substring(0, train.length() - "/train".length()) + "/test" : null;
            test = candidate != null && datasets.contains(candidate) ? candidate : null;
        } else if (test.equals(NONE)) {
            test = null;
        } else if (!datasets.contains(test)) {
            problems.add(new Problem("testDataset", "no dataset named '" + test + "'"));
        }
        long seed = 1;
        String seedText = trim(field.apply("seed"));
        if (!seedText.isEmpty()) {
            try {
                seed = Long.parseLong(seedText);
            } catch (NumberFormatException e) {
                problems.add(new Problem("seed", "expected an integer, got '" + seedText + "'"));
            }
        }
        String modelName = trim(field.apply("modelName"));
        if (!modelName.isEmpty() && !MODEL_NAME.matcher(modelName).matches()) {
            problems.add(new Problem("modelName", "1-64 of letters, digits, '.', '_' and '-', starting with a letter or digit; got '"
                    + modelName + "'"));
        }
        String accelerator = trim(field.apply("accelerator"));

        Map<String, Hyperparameter> declared = new LinkedHashMap<>();
        algorithm.hyperparameters().forEach(h -> declared.put(h.name(), h));
        Map<String, String> hyperparameters = new LinkedHashMap<>();
        for (String key : fieldNames) {
            if (!key.startsWith(HYPERPARAMETER)) {
                continue;
            }
            String hp = key.substring(HYPERPARAMETER.length());
            Hyperparameter h = declared.get(hp);
            if (h == null) {
                problems.add(new Problem(hp, "unknown hyperparameter of " + algorithm.name() + "; known: " + declared.keySet()));
                continue;
            }
            String raw = field.apply(key);
            if (raw == null || raw.isBlank()) {
                continue; // left empty: the declared default applies
            }
            try {
                h.parse(raw);
                hyperparameters.put(hp, raw.trim());
            } catch (InvalidRequestException e) {
                problems.add(new Problem(e.field(), e.getMessage().substring(e.field().length() + 2)));
            }
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return new JobRequest(algorithm.name(), train, test, null, hyperparameters, seed,
                modelName.isEmpty() ? null : modelName, accelerator.isEmpty() ? null : accelerator);
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }
}
