package dev.neurite.api.data;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A labelled classification dataset held in memory, read by index. Features are returned as
 * f32 values scaled to [0, 1] for image data; implementations must be safe for concurrent
 * reads.
 */
@ConsumerType
public interface Dataset {

    /** Registry name, for example {@code mnist/train}. */
    String name();

    /** Number of examples. */
    int size();

    /** Shape of one example's features, for example {@code [28, 28]}. */
    int[] featureShape();

    /** Number of features in one example (the product of {@link #featureShape()}). */
    default int featureSize() {
        int n = 1;
        for (int d : featureShape()) {
            n *= d;
        }
        return n;
    }

    /** Number of classes; labels lie in {@code [0, numClasses)}. */
    int numClasses();

    /** Copies example {@code index}'s features into {@code target} starting at {@code offset}. */
    void copyFeatures(int index, float[] target, int offset);

    /** The label of example {@code index}. */
    int label(int index);
}
