package io.cxstream.state;

/**
 * How a value is kept in the state backend, where that differs from the form the operator works on
 * ({@link CachedValueState}): {@link #write} hands the stored form to the backend's write and leaves the
 * value as it was; {@link #read} turns a value read back into the working form.
 */
public interface StoredForm<V> {
    /** Writes {@code value} in its stored form through {@code write}; {@code value} is unchanged afterwards. */
    void write(V value, StateCache.Write<V> write) throws Exception;

    /** The working form of a value read from the backend (may change {@code stored} and return it). */
    V read(V stored);

    /** The form that stores values as they are. */
    static <V> StoredForm<V> asIs() {
        return new StoredForm<>() {
            @Override
            public void write(V value, StateCache.Write<V> write) throws Exception {
                write.write(value);
            }

            @Override
            public V read(V stored) {
                return stored;
            }
        };
    }
}
