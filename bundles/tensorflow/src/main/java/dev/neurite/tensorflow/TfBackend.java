package dev.neurite.tensorflow;

import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.accelerator.AcceleratorKind;
import dev.neurite.api.tensor.Backend;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.GraphInstance;
import dev.neurite.api.tensor.Tensor;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The TensorFlow backend for one TF device: each {@link GraphInstance} is one TF graph with
 * resource variables and one session, each compiled step a set of fetches and gated
 * assignments in it, run by one {@code Session.run}. Ops are pinned to the device with soft
 * placement, so an op without a kernel there runs on the CPU instead of failing.
 */
public final class TfBackend implements Backend {

    public static final String NAME = "tensorflow";

    private final AcceleratorDescriptor device;
    private final DeviceSpec spec;
    private final ConfigProto config;

    public TfBackend(AcceleratorDescriptor device) {
        this.device = device;
        this.spec = spec(device);
        this.config = ConfigProto.newBuilder().setAllowSoftPlacement(true).build();
    }

    /** A backend on TF's first CPU device (loading TF with JavaCPP's default cache if needed). */
    public static TfBackend cpu() {
        try {
            TensorFlowRuntime.load(null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return TensorFlowRuntime.devices().stream().filter(d -> d.kind() == AcceleratorKind.CPU).findFirst()
                .map(TfBackend::new).orElseThrow();
    }

    static DeviceSpec spec(AcceleratorDescriptor device) {
        String name = device.id().substring(device.id().lastIndexOf("/device:") + "/device:".length());
        String[] typeIndex = name.split(":");
        return DeviceSpec.newBuilder()
                .deviceType(device.kind() == AcceleratorKind.GPU ? DeviceSpec.DeviceType.GPU : DeviceSpec.DeviceType.CPU)
                .deviceIndex(typeIndex.length > 1 ? Integer.parseInt(typeIndex[1]) : 0).build();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AcceleratorDescriptor device() {
        return device;
    }

    Ops ops(org.tensorflow.Graph graph) {
        return Ops.create(graph).withDevice(spec);
    }

    Session session(org.tensorflow.Graph graph) {
        return new Session(graph, config);
    }

    @Override
    public GraphInstance open(Graph graph) {
        return new TfGraphInstance(this, graph);
    }

    /**
     * Exports {@code outputs} of an instance as a TF SavedModel in {@code directory}: one
     * serving signature whose inputs are the graph inputs the outputs read (by their feed
     * names) and whose outputs are named as given, with the instance's current variable
     * values frozen into the graph. Random ops cannot be exported.
     */
    public void exportSavedModel(GraphInstance instance, Map<String, Tensor> outputs, Path directory)
            throws IOException {
        try (org.tensorflow.Graph g = new org.tensorflow.Graph()) {
            Ops tf = ops(g);
            Signature.Builder signature = Signature.builder().key(Signature.DEFAULT_KEY);
            Translator translator = new Translator(tf, t -> switch (t.op()) {
                case INPUT -> {
                    Operand<TFloat32> p = Translator.placeholder(tf, t);
                    signature.input(t.name(), p);
                    yield p;
                }
                case VARIABLE -> tf.constant(Translator.shape(t.shape()),
                        DataBuffers.of(instance.variable(t.name()).toFloats(), true, false));
                default -> throw new UnsupportedOperationException("cannot export " + t.op() + " to a SavedModel");
            });
            outputs.forEach((name, t) -> signature.output(name, tf.identity(translator.get(t))));
            try (Session session = session(g)) {
                SavedModelBundle.exporter(directory.toString())
                        .withFunction(SessionFunction.create(signature.build(), session)).export();
            }
        }
    }

    @Override
    public String toString() {
        return "TfBackend[" + device.id() + "]";
    }
}
