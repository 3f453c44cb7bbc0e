package dev.neurite.webconsole;

/** Why a request was refused: the field at fault (or {@code null}) and what is wrong with it. */
record Problem(String field, String message) {

    @Override
    public String toString() {
        return field == null ? message : field + ": " + message;
    }
}
