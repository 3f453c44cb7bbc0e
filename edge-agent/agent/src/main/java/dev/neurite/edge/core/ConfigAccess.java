package dev.neurite.edge.core;

import java.util.Map;

/** The agent's own settings as {@code config/get|set} see them. */
public interface ConfigAccess {

    /** Current settings; secrets are masked. */
    Map<String, Object> get();

    /**
     * Validates and applies changes (all or none). The agent may reconnect afterwards.
     *
     * @throws CommandException 400 naming {@code args.properties.<key>} for an unknown key or bad value
     */
    Map<String, Object> set(Map<String, Object> changes) throws CommandException;
}
