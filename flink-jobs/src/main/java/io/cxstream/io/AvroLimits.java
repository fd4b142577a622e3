package io.cxstream.io;

import org.apache.avro.SystemLimitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;

/**
 * Caps what Avro may allocate for one decoded string, byte array or collection, so that a corrupt
 * or hostile length prefix ("this string is 2 GB long") is refused before anything is allocated.
 *
 * <p>Avro's binary decoder allocates a value's buffer from its length prefix <em>before</em> reading
 * the bytes, bounded only by the JVM-wide limits of {@link SystemLimitException} (system properties
 * {@value SystemLimitException#MAX_STRING_LENGTH_PROPERTY}, {@value SystemLimitException#MAX_BYTES_LENGTH_PROPERTY},
 * {@value SystemLimitException#MAX_COLLECTION_LENGTH_PROPERTY}; default about 2^31). An input record is at
 * most {@code validation.max-record-bytes} long, and no valid string, bytes or collection in it can be
 * longer than the record, so that size is a safe limit for all three. The limit is never set below
 * {@link #MIN_LIMIT} though: the same limits apply to Avro data the job keeps itself (journey state,
 * dead letters), whose values may be a little longer than a tiny configured record cap.
 *
 * <p>Avro reads the properties once, when {@link SystemLimitException} is initialised, and every
 * Avro user of the JVM (or of the job's class loader) shares them. So {@link #atLeast(int)} raises
 * the properties to the record size when they are unset or lower (never lowering a larger value
 * someone set on purpose, and never below what another job in the same JVM needs), then makes Avro
 * re-read them. A cluster may also set them with {@code -D} in {@code env.java.opts.all}.
 */
public final class AvroLimits {
    private static final Logger LOG = LoggerFactory.getLogger(AvroLimits.class);

    private static final String[] PROPERTIES = {
        SystemLimitException.MAX_STRING_LENGTH_PROPERTY,
        SystemLimitException.MAX_BYTES_LENGTH_PROPERTY,
        SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY,
    };

    /** The smallest limit set, whatever {@code validation.max-record-bytes} is: 1 MiB. */
    public static final int MIN_LIMIT = 1024 * 1024;

    private AvroLimits() {}

    /** The limit for inputs of at most {@code maxRecordBytes}: that size, but at least {@link #MIN_LIMIT}. */
    public static int limitFor(int maxRecordBytes) {
        return Math.max(maxRecordBytes, MIN_LIMIT);
    }

    /**
     * Sets Avro's string, bytes and collection limits to {@code maxLength} where they are unset (Avro's
     * default is about 2^31) or lower; a larger value set on purpose stays. Returns whether Avro now
     * refuses anything longer than {@code maxLength} (false: a larger value stayed, or Avro could not
     * be made to re-read the limits; a warning says which).
     */
    public static synchronized boolean atLeast(int maxLength) {
        boolean changed = false;
        for (String property : PROPERTIES) {
            long current = parse(System.getProperty(property));
            if (current < maxLength) {
                System.setProperty(property, Integer.toString(maxLength));
                changed = true;
            }
        }
        if (changed || !inEffect(maxLength)) {
            reload();
        }
        boolean bounded = inEffect(maxLength);
        if (!bounded) {
            LOG.warn(
                    "Avro's allocation limit in this JVM ({}={}) is above {} (validation.max-record-bytes, at least 1 MiB): set larger on "
                            + "purpose or by another job with larger records, or Avro could not re-read it. A corrupt length prefix "
                            + "can make the decoder allocate up to that limit (set the org.apache.avro.limits.* properties in env.java.opts.all).",
                    PROPERTIES[0],
                    System.getProperty(PROPERTIES[0]),
                    maxLength);
        }
        return bounded;
    }

    /** Whether Avro currently refuses a string, bytes or collection one longer than {@code maxLength}. */
    static boolean inEffect(int maxLength) {
        return refuses(() -> SystemLimitException.checkMaxStringLength(maxLength + 1L))
                && refuses(() -> SystemLimitException.checkMaxBytesLength(maxLength + 1L))
                && refuses(() -> SystemLimitException.checkMaxCollectionLength(maxLength + 1L));
    }

    private static boolean refuses(Runnable check) {
        try {
            check.run();
            return false;
        } catch (SystemLimitException e) {
            return true;
        }
    }

    /**
     * Avro 1.12 reads the properties in a static initialiser and re-reads them only in its
     * package-private {@code resetLimits()} (which its own tests use); calling it is the one way to
     * apply them after Avro has been used in this JVM.
     */
    private static void reload() {
        try {
            Method reset = SystemLimitException.class.getDeclaredMethod("resetLimits");
            reset.setAccessible(true);
            reset.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn(
                    "Cannot make Avro re-read its limits ({}); they apply only if set before Avro is first used",
                    e.toString());
        }
    }

    private static long parse(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
