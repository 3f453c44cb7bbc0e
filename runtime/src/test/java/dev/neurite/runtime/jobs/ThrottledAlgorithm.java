package dev.neurite.runtime.jobs;

import dev.neurite.api.algorithm.Hyperparameter;
import dev.neurite.api.algorithm.StepResult;
import dev.neurite.api.algorithm.Trainer;
import dev.neurite.api.algorithm.TrainerState;
import dev.neurite.api.algorithm.TrainingAlgorithm;
import dev.neurite.api.algorithm.TrainingContext;
import dev.neurite.api.model.ModelSpec;
import dev.neurite.api.model.StoredTensor;

import java.util.List;
import java.util.Map;

/**
 * Test helper: a real algorithm whose steps are slowed down, so a test can act while a job
 * is in the middle of training. The training itself is untouched.
 */
final class ThrottledAlgorithm implements TrainingAlgorithm {

    private final TrainingAlgorithm delegate;
    private final String name;
    private final long pauseMillis;

    ThrottledAlgorithm(TrainingAlgorithm delegate, String name, long pauseMillis) {
        this.delegate = delegate;
        this.name = name;
        this.pauseMillis = pauseMillis;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String version() {
        return delegate.version();
    }

    @Override
    public String description() {
        return delegate.description() + " (slowed for tests)";
    }

    @Override
    public List<Hyperparameter> hyperparameters() {
        return delegate.hyperparameters();
    }

    @Override
    public ModelSpec defaultModel(int inputs, int classes) {
        return delegate.defaultModel(inputs, classes);
    }

    @Override
    public Trainer createTrainer(TrainingContext context) throws Exception {
        Trainer inner = delegate.createTrainer(context);
        return new Trainer() {
            @Override
            public long stepsPerEpoch() {
                return inner.stepsPerEpoch();
            }

            @Override
            public long totalSteps() {
                return inner.totalSteps();
            }

            @Override
            public StepResult step(long step) throws Exception {
                Thread.sleep(pauseMillis);
                return inner.step(step);
            }

            @Override
            public Map<String, Double> evaluate() throws Exception {
                return inner.evaluate();
            }

            @Override
            public TrainerState snapshot(long stepsDone) {
                return inner.snapshot(stepsDone);
            }

            @Override
            public void restore(TrainerState state) {
                inner.restore(state);
            }

            @Override
            public List<StoredTensor> parameters() {
                return inner.parameters();
            }
        };
    }
}
