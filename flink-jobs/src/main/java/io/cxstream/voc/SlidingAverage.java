package io.cxstream.voc;

/**
 * The average of the last {@code capacity} values added (a count-based sliding window), in O(1) per
 * value. Written by one thread (the operator's), read by any (the metric reporter's): {@link #value()}
 * returns a snapshot published after each {@link #add}.
 */
final class SlidingAverage {
    private final int[] window;
    private int next;
    private int size;
    private long sum;
    private volatile double value = Double.NaN;

    SlidingAverage(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("window capacity must be >= 1, was " + capacity);
        }
        this.window = new int[capacity];
    }

    void add(int v) {
        if (size == window.length) {
            sum -= window[next];
        } else {
            size++;
        }
        window[next] = v;
        sum += v;
        next = (next + 1) % window.length;
        value = (double) sum / size;
    }

    /** The average of the values in the window; NaN before the first value. */
    double value() {
        return value;
    }

    /** How many values the average is over (at most the capacity). */
    int size() {
        return size;
    }
}
