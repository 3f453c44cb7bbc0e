package dev.neurite.api.tensor;

/**
 * How a tensor's elements are laid out. Everything is dense today; compressed sparse rows
 * and bit-packed layouts are added here as new constants, so code that checks the layout
 * keeps working.
 */
public enum Layout {
    /** Row-major, every element stored. */
    DENSE
}
