package dev.neurite.api.algorithm;

/** Value types a hyperparameter can take. */
public enum HyperparameterType {
    INT, DOUBLE, BOOLEAN, STRING, CHOICE
}
