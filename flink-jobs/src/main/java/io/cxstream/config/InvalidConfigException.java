package io.cxstream.config;

/** A setting is missing or wrong; the message names the key. Thrown before the job is built. */
public final class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public InvalidConfigException(String key, String message) {
        super("Invalid configuration '" + key + "': " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
