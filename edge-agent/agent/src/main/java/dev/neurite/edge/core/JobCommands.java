package dev.neurite.edge.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.neurite.api.algorithm.Hyperparameter;
import dev.neurite.api.algorithm.TrainingAlgorithm;
import dev.neurite.api.job.JobInfo;
import dev.neurite.api.job.JobManager;
import dev.neurite.api.job.JobRequest;
import dev.neurite.api.model.Activation;
import dev.neurite.api.model.LayerSpec;
import dev.neurite.api.model.ModelSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** {@code algorithms/list} and {@code jobs/start|cancel|get|list}. */
public final class JobCommands {

    private final Supplier<JobManager> jobs;
    private final Supplier<List<TrainingAlgorithm>> algorithms;

    public JobCommands(Supplier<JobManager> jobs, Supplier<List<TrainingAlgorithm>> algorithms) {
        this.jobs = jobs;
        this.algorithms = algorithms;
    }

    public void register(CommandDispatcher d) {
        d.register("algorithms", "list", args -> {
            JsonArray list = new JsonArray();
            for (TrainingAlgorithm a : algorithms.get()) {
                list.add(describe(a));
            }
            JsonObject r = new JsonObject();
            r.add("algorithms", list);
            return r;
        });
        d.register("jobs", "start", args -> job(jobs().submit(request(args))));
        d.register("jobs", "cancel", args -> {
            String id = args.string("jobId");
            return job(jobs().cancel(id, args.optString("reason", "cancelled over MQTT"))
                    .orElseThrow(() -> CommandException.notFound("no job " + id)));
        });
        d.register("jobs", "get", args -> {
            String id = args.string("jobId");
            JsonObject r = job(jobs().get(id).orElseThrow(() -> CommandException.notFound("no job " + id)));
            if (args.bool("log", false)) {
                r.add("log", Json.tree(jobs().log(id)));
            }
            return r;
        });
        d.register("jobs", "list", args -> {
            JsonArray list = new JsonArray();
            String state = args.optString("state", null);
            for (JobInfo j : jobs().list()) {
                if (state == null || j.state().name().equalsIgnoreCase(state)) {
                    list.add(job(j));
                }
            }
            JsonObject r = new JsonObject();
            r.add("jobs", list);
            return r;
        });
    }

    private JobManager jobs() throws CommandException {
        JobManager m = jobs.get();
        if (m == null) {
            throw new CommandException(503, "unavailable", "the job manager is not running", null);
        }
        return m;
    }

    static JsonObject describe(TrainingAlgorithm a) {
        JsonObject o = new JsonObject();
        o.addProperty("name", a.name());
        o.addProperty("version", a.version());
        o.addProperty("description", a.description());
        JsonArray hp = new JsonArray();
        for (Hyperparameter h : a.hyperparameters()) {
            hp.add(Json.tree(h));
        }
        o.add("hyperparameters", hp);
        return o;
    }

    static JsonObject job(JobInfo info) {
        return Json.tree(info).getAsJsonObject();
    }

    static JobRequest request(Args args) throws CommandException {
        String algorithm = args.string("algorithm");
        String train = args.has("dataset") ? args.string("dataset") : args.string("trainDataset");
        String test = args.optString("testDataset", null);
        if ("none".equals(test)) {
            test = null;
        }
        long seed = args.integer("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        String name = args.optString("modelName", null);
        String accelerator = args.optString("accelerator", null);
        return new JobRequest(algorithm, train, test, model(args), args.scalars("hyperparameters"), seed, name, accelerator);
    }

    /** An optional {@code model}: {@code {inputShape: [..], layers: [{units, activation, type?}]}}. */
    static ModelSpec model(Args args) throws CommandException {
        JsonObject m = args.object("model");
        if (m == null) {
            return null;
        }
        Args model = new Args(m);
        try {
            int[] shape = ints(model.array("inputShape"), "args.model.inputShape");
            List<LayerSpec> layers = new ArrayList<>();
            JsonArray array = model.array("layers");
            for (int i = 0; i < array.size(); i++) {
                String field = "args.model.layers[" + i + "]";
                if (!array.get(i).isJsonObject()) {
                    throw CommandException.badRequest(field, "expected an object");
                }
                Args layer = new Args(array.get(i).getAsJsonObject());
                Activation activation;
                try {
                    activation = Activation.valueOf(layer.optString("activation", "relu").toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw CommandException.badRequest(field + ".activation", "one of " + List.of(Activation.values()));
                }
                layers.add(new LayerSpec(layer.optString("type", LayerSpec.DENSE),
                        (int) layer.requireInteger("units", 1, Integer.MAX_VALUE), activation, layer.scalars("options")));
            }
            return new ModelSpec(shape, layers);
        } catch (CommandException e) {
            String field = e.field() != null && e.field().startsWith("args.") && !e.field().startsWith("args.model")
                    ? "args.model." + e.field().substring(5) : e.field();
            throw new CommandException(e.status(), e.code(), e.getMessage(), field);
        } catch (IllegalArgumentException e) {
            throw CommandException.badRequest("args.model", e.getMessage());
        }
    }

    private static int[] ints(JsonArray array, String field) throws CommandException {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonElement e = array.get(i);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw CommandException.badRequest(field + "[" + i + "]", "expected an integer");
            }
            values[i] = e.getAsInt();
        }
        return values;
    }
}
