package dev.neurite.api.model;

/** No model with the requested name (and version) is in the store. */
public class ModelNotFoundException extends Exception {
    private static final long serialVersionUID = 1L;

    public ModelNotFoundException(String message) {
        super(message);
    }
}
