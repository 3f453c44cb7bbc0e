package dev.neurite.api.accelerator;

/** Broad classes of compute device. */
public enum AcceleratorKind {
    CPU, GPU
}
