package io.cxstream.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Polls a value until it satisfies a condition or a deadline passes; never a fixed sleep for a result. */
public final class Poll {
    private Poll() {}

    /**
     * Returns the first value of {@code probe} that satisfies {@code done}, polling every 200 ms; after
     * {@code timeout} fails with {@code what}, the last value and the last exception of the probe.
     */
    public static <T> T until(String what, Duration timeout, Callable<T> probe, Predicate<T> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        Exception lastError = null;
        while (true) {
            try {
                last = probe.call();
                lastError = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (Exception e) {
                lastError = e;
            }
            if (System.nanoTime() >= deadline) {
                AssertionError error = new AssertionError("Timed out after " + timeout + " waiting for " + what
                        + "; last value: " + last + (lastError == null ? "" : "; last error: " + lastError));
                if (lastError != null) {
                    error.initCause(lastError);
                }
                throw error;
            }
            Thread.sleep(200); // the polling interval, not a wait for a result
        }
    }
}
