package io.cxstream.metrics.prometheus;

import io.prometheus.client.Collector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Flink metrics this reporter holds, turned into Prometheus metric families at every scrape.
 *
 * <ul>
 *   <li>{@link Counter} and {@link Meter} (its count): {@code counter}, exported as {@code <name>_total};
 *   <li>{@link Gauge} of a {@link Number} or {@link Boolean} (1/0): {@code gauge}; other gauges are skipped;
 *   <li>bucketed {@link Histogram} (see {@link BucketCounts}): {@code histogram} with {@code _bucket{le}},
 *       {@code _sum}, {@code _count}; other histograms: {@code summary} with quantiles and {@code _count};
 *   <li>a histogram named {@code *_millis} is exported in seconds as {@code *_seconds} (bounds, quantiles and sum
 *       divided by 1000), Prometheus' base unit.
 * </ul>
 * At most {@code maxSeriesPerMetric} series are kept per name; the rest are dropped, logged once per name and
 * counted in {@value #DROPPED}.
 */
final class FlinkMetricsCollector extends Collector {
    private static final Logger LOG = LoggerFactory.getLogger(FlinkMetricsCollector.class);
    static final String DROPPED = "cx_metrics_reporter_dropped_series";
    private static final double[] SUMMARY_QUANTILES = {0.5, 0.75, 0.95, 0.98, 0.99, 0.999};

    private final int maxSeriesPerMetric;
    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    FlinkMetricsCollector(int maxSeriesPerMetric) {
        this.maxSeriesPerMetric = maxSeriesPerMetric;
    }

    /** Adds (or replaces, e.g. a restarted task's) series; returns false if it was dropped. */
    boolean add(String flinkName, Metric metric, SeriesLabels labels) {
        Kind kind = Kind.of(metric);
        if (kind == null) {
            LOG.debug(
                    "metric {} of type {} is not exported",
                    flinkName,
                    metric.getClass().getName());
            return false;
        }
        String name = kind.familyName(sanitizeMetricName(flinkName));
        Family family = families.computeIfAbsent(name, n -> new Family(n, kind, flinkName));
        if (family.kind != kind) {
            LOG.warn(
                    "metric {} is a {} here but already exported as a {}: this series is not exported",
                    flinkName,
                    kind.type,
                    family.kind.type);
            return false;
        }
        synchronized (family) {
            if (!family.series.containsKey(labels) && family.series.size() >= maxSeriesPerMetric) {
                dropped.incrementAndGet();
                if (family.warned.compareAndSet(false, true)) {
                    LOG.warn(
                            "metric {} has reached {} series (metrics.reporter.<name>.{}): further series are dropped "
                                    + "and counted in {}_total; labels of the first dropped: {}={}",
                            name,
                            maxSeriesPerMetric,
                            ReporterSettings.MAX_SERIES,
                            DROPPED,
                            labels.names(),
                            labels.values());
                }
                return false;
            }
            family.series.put(labels, metric);
        }
        return true;
    }

    /** Removes the series if it still holds {@code metric} (not a newer one registered under the same labels). */
    void remove(String flinkName, Metric metric, SeriesLabels labels) {
        Kind kind = Kind.of(metric);
        if (kind == null) {
            return;
        }
        Family family = families.get(kind.familyName(sanitizeMetricName(flinkName)));
        if (family != null) {
            synchronized (family) {
                family.series.remove(labels, metric);
            }
        }
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples> out = new ArrayList<>();
        for (Family family : families.values()) {
            List<MetricFamilySamples.Sample> samples = new ArrayList<>();
            for (Map.Entry<SeriesLabels, Metric> series : family.series.entrySet()) {
                try {
                    family.kind.samples(family, series.getKey(), series.getValue(), samples);
                } catch (RuntimeException e) {
                    LOG.debug(
                            "metric {} {} could not be read",
                            family.name,
                            series.getKey().values(),
                            e);
                }
            }
            if (!samples.isEmpty()) {
                out.add(new MetricFamilySamples(family.name, family.kind.type, family.help, samples));
            }
        }
        out.add(new MetricFamilySamples(
                DROPPED,
                Type.COUNTER,
                "Series not exported because their metric had reached metrics.reporter.<name>."
                        + ReporterSettings.MAX_SERIES,
                List.of(new MetricFamilySamples.Sample(DROPPED + "_total", List.of(), List.of(), dropped.get()))));
        return out;
    }

    private static final class Family {
        final String name;
        final Kind kind;
        final String help;
        /** Divides values in the recorded unit into Prometheus' base unit (division keeps 10 ms = 0.01 s exact). */
        final double divisor;

        final Map<SeriesLabels, Metric> series = new ConcurrentHashMap<>();
        final AtomicBoolean warned = new AtomicBoolean();

        Family(String name, Kind kind, String flinkName) {
            this.name = name;
            this.kind = kind;
            this.divisor = (kind == Kind.HISTOGRAM || kind == Kind.SUMMARY) && flinkName.endsWith("_millis") ? 1000 : 1;
            this.help = "Flink " + kind.flinkType + " " + flinkName + (divisor != 1 ? ", in seconds" : "");
        }
    }

    private enum Kind {
        COUNTER(Type.COUNTER, "counter"),
        METER(Type.COUNTER, "meter"),
        GAUGE(Type.GAUGE, "gauge"),
        HISTOGRAM(Type.HISTOGRAM, "histogram"),
        SUMMARY(Type.SUMMARY, "histogram");

        final Type type;
        final String flinkType;

        Kind(Type type, String flinkType) {
            this.type = type;
            this.flinkType = flinkType;
        }

        static Kind of(Metric metric) {
            if (metric instanceof Counter) {
                return COUNTER;
            }
            if (metric instanceof Meter) {
                return METER;
            }
            if (metric instanceof Gauge) {
                return GAUGE;
            }
            if (metric instanceof Histogram histogram) {
                return BucketCounts.of(histogram.getStatistics()) != null ? HISTOGRAM : SUMMARY;
            }
            return null;
        }

        String familyName(String name) {
            switch (this) {
                case COUNTER:
                case METER:
                    return name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
                case HISTOGRAM:
                case SUMMARY:
                    return name.endsWith("_millis")
                            ? name.substring(0, name.length() - "_millis".length()) + "_seconds"
                            : name;
                default:
                    return name;
            }
        }

        void samples(Family family, SeriesLabels labels, Metric metric, List<MetricFamilySamples.Sample> out) {
            String name = family.name;
            switch (this) {
                case COUNTER:
                    out.add(sample(name + "_total", labels, ((Counter) metric).getCount()));
                    return;
                case METER:
                    out.add(sample(name + "_total", labels, ((Meter) metric).getCount()));
                    return;
                case GAUGE:
                    Object value = ((Gauge<?>) metric).getValue();
                    if (value instanceof Number number) {
                        out.add(sample(name, labels, number.doubleValue()));
                    } else if (value instanceof Boolean bool) {
                        out.add(sample(name, labels, bool ? 1 : 0));
                    }
                    return;
                default:
                    histogram(family, labels, (Histogram) metric, out);
            }
        }

        private static void histogram(
                Family family, SeriesLabels labels, Histogram histogram, List<MetricFamilySamples.Sample> out) {
            String name = family.name;
            HistogramStatistics statistics = histogram.getStatistics();
            BucketCounts buckets = BucketCounts.of(statistics);
            if (family.kind == SUMMARY) {
                // Flink's sampling histograms: quantiles of the sample, and the count of all updates
                for (double q : SUMMARY_QUANTILES) {
                    out.add(sample(
                            name,
                            labels.with("quantile", doubleToGoString(q)),
                            statistics.getQuantile(q) / family.divisor));
                }
                out.add(sample(name + "_count", labels, histogram.getCount()));
                return;
            }
            if (buckets == null) {
                return; // not bucketed any more: breaks the contract, nothing consistent to export
            }
            for (int i = 0; i < buckets.upperBounds.length; i++) {
                out.add(sample(
                        name + "_bucket",
                        labels.with("le", doubleToGoString(buckets.upperBounds[i] / family.divisor)),
                        buckets.cumulativeCounts[i]));
            }
            out.add(sample(name + "_count", labels, buckets.count()));
            out.add(sample(name + "_sum", labels, buckets.sum / family.divisor));
        }

        private static MetricFamilySamples.Sample sample(String name, SeriesLabels labels, double value) {
            return new MetricFamilySamples.Sample(name, labels.names(), labels.values(), value);
        }
    }
}
