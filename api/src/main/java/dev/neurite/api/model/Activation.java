package dev.neurite.api.model;

/** Element-wise nonlinearities a layer applies to its pre-activation. */
public enum Activation {
    IDENTITY, RELU, TANH, SIGMOID, SOFTMAX
}
