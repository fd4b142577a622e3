package io.cxstream.voc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answers of one metric for one dimension value in one minute (or one hour): a histogram of raw
 * scores, and, for minutes, how many low answers each touchpoint had (at most {@value #MAX_TOUCHPOINTS}
 * touchpoints, the rest under {@value VocDimension#OTHER}) for the evidence of an alert. A Flink POJO
 * (state value); its fields are arrays so that it stays one small serialized value.
 */
public class VocBucket {
    static final int MAX_TOUCHPOINTS = 8;

    public long[] histogram;
    public String[] lowTouchpoints;
    public long[] lowCounts;

    public VocBucket() {}

    static VocBucket empty(ScoreScale scale) {
        VocBucket b = new VocBucket();
        b.histogram = new long[scale.bins()];
        b.lowTouchpoints = new String[0];
        b.lowCounts = new long[0];
        return b;
    }

    void add(ScoreScale scale, int raw, String touchpoint, boolean trackLow) {
        histogram[scale.bin(raw)]++;
        if (!trackLow || !scale.isLow(raw)) {
            return;
        }
        String tp = touchpoint == null || touchpoint.isBlank() ? VocDimension.OTHER : touchpoint;
        for (int i = 0; i < lowTouchpoints.length; i++) {
            if (lowTouchpoints[i].equals(tp)) {
                lowCounts[i]++;
                return;
            }
        }
        if (lowTouchpoints.length >= MAX_TOUCHPOINTS) {
            tp = VocDimension.OTHER;
            for (int i = 0; i < lowTouchpoints.length; i++) {
                if (lowTouchpoints[i].equals(tp)) {
                    lowCounts[i]++;
                    return;
                }
            }
            // the last slot becomes "other", keeping its count
            lowTouchpoints[lowTouchpoints.length - 1] = VocDimension.OTHER;
            lowCounts[lowCounts.length - 1]++;
            return;
        }
        lowTouchpoints = Arrays.copyOf(lowTouchpoints, lowTouchpoints.length + 1);
        lowCounts = Arrays.copyOf(lowCounts, lowCounts.length + 1);
        lowTouchpoints[lowTouchpoints.length - 1] = tp;
        lowCounts[lowCounts.length - 1] = 1;
    }

    long count() {
        long n = 0;
        for (long c : histogram) {
            n += c;
        }
        return n;
    }

    /** Adds {@code other}'s histogram into {@code sum}. */
    static void addInto(long[] sum, VocBucket other) {
        for (int i = 0; i < sum.length && i < other.histogram.length; i++) {
            sum[i] += other.histogram[i];
        }
    }

    /** Adds {@code other}'s low answers per touchpoint into {@code sum}. */
    static void addLowInto(Map<String, Long> sum, VocBucket other) {
        if (other.lowTouchpoints == null) {
            return;
        }
        for (int i = 0; i < other.lowTouchpoints.length; i++) {
            sum.merge(other.lowTouchpoints[i], other.lowCounts[i], Long::sum);
        }
    }

    /** The {@code limit} touchpoints with the most low answers, most first (ties by name). */
    static List<String> top(Map<String, Long> lowByTouchpoint, int limit) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(new LinkedHashMap<>(lowByTouchpoint).entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        List<String> top = new ArrayList<>();
        for (Map.Entry<String, Long> e : entries) {
            if (top.size() == limit) {
                break;
            }
            top.add(e.getKey());
        }
        return top;
    }
}
