package io.cxstream.local;

import io.cxstream.avro.FeedbackMetric;
import io.cxstream.avro.VocAggregate;
import io.cxstream.avro.VocTrendAlert;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormatException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * The demo's Voice-of-the-Customer view ({@code ./cx demo}'s summary and {@code ./cx voc}): reads the
 * aggregate and alert topics (read_committed), prints every trend alert as it arrives, and keeps each
 * touchpoint's latest NPS over the last hour and the last 7 days for the "worst-moving touchpoints" line.
 * Printing to stdout is the point of this class.
 */
public final class VocPrinter implements Runnable, AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    static final int WORST = 3;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String aggregatesTopic;
    private final String alertsTopic;
    private final PrintStream out;
    private final WireCodec<VocAggregate> aggregates = WireCodec.of(VocAggregate.class);
    private final WireCodec<VocTrendAlert> alerts = WireCodec.of(VocTrendAlert.class);
    private final Map<String, VocAggregate> lastHour = new HashMap<>();
    private final Map<String, VocAggregate> lastWeek = new HashMap<>();
    private long alertCount;
    private volatile boolean running = true;

    /** @param fromStart read the topics from their start (./cx voc) or only what comes (./cx demo) */
    public VocPrinter(
            String bootstrapServers, String aggregatesTopic, String alertsTopic, PrintStream out, boolean fromStart) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "cx-voc-view-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromStart ? "earliest" : "latest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.aggregatesTopic = aggregatesTopic;
        this.alertsTopic = alertsTopic;
        this.out = out;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(aggregatesTopic, alertsTopic));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        if (r.topic().equals(alertsTopic)) {
                            print(alerts.decode(r.value()));
                        } else {
                            keep(aggregates.decode(r.value()));
                        }
                    } catch (WireFormatException e) {
                        out.println("undecodable record on " + r.topic() + ": " + e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    synchronized void keep(VocAggregate a) {
        if (!a.getDimension().equals("touchpoint") || a.getMetric() != FeedbackMetric.NPS) {
            return;
        }
        if (a.getWindow().equals("1h")) {
            lastHour.put(a.getValue(), a);
        } else if (a.getWindow().equals("7d")) {
            lastWeek.put(a.getValue(), a);
        }
    }

    void print(VocTrendAlert a) {
        synchronized (this) {
            alertCount++;
        }
        out.println(describe(a, LocalTime.now(ZoneId.systemDefault()).format(TIME)));
    }

    static String describe(VocTrendAlert a, String time) {
        if (a.getKind().equals("GOAL_MISSED")) {
            return String.format(
                    Locale.ROOT,
                    "%s  VOC %s %s=%s %s over 24 h %+.0f [%+.0f, %+.0f] n=%d, goal %+.0f → %s",
                    time,
                    a.getKind(),
                    a.getDimension(),
                    a.getValue(),
                    a.getMetric(),
                    a.getRecentScore(),
                    a.getRecentLow(),
                    a.getRecentHigh(),
                    a.getRecentCount(),
                    a.getBaselineScore(),
                    a.getAudience());
        }
        return String.format(
                Locale.ROOT,
                "%s  VOC %s %s=%s %s last hour %+.0f [%+.0f, %+.0f] n=%d vs 7 days %+.0f [%+.0f, %+.0f] n=%d: "
                        + "down %.0f points (z %.1f); most low answers at %s → %s",
                time,
                a.getKind(),
                a.getDimension(),
                a.getValue(),
                a.getMetric(),
                a.getRecentScore(),
                a.getRecentLow(),
                a.getRecentHigh(),
                a.getRecentCount(),
                a.getBaselineScore(),
                a.getBaselineLow(),
                a.getBaselineHigh(),
                a.getBaselineCount(),
                a.getDrop(),
                a.getZ() == null ? Double.NaN : a.getZ(),
                a.getTopTouchpoints(),
                a.getAudience());
    }

    /** One line: the touchpoints whose last-hour NPS is furthest below their 7-day NPS (sufficient samples only). */
    public synchronized String summary() {
        List<String[]> moves = new ArrayList<>();
        List<Double> deltas = new ArrayList<>();
        for (Map.Entry<String, VocAggregate> e : lastHour.entrySet()) {
            VocAggregate week = lastWeek.get(e.getKey());
            VocAggregate hour = e.getValue();
            if (week == null || hour.getScore() == null || week.getScore() == null) {
                continue;
            }
            double delta = hour.getScore() - week.getScore();
            deltas.add(delta);
            moves.add(new String[] {
                String.format(
                        Locale.ROOT,
                        "%s %+.0f (1h %+.0f n=%d vs 7d %+.0f)",
                        e.getKey(),
                        delta,
                        hour.getScore(),
                        hour.getCount(),
                        week.getScore()),
                Double.toString(delta)
            });
        }
        if (moves.isEmpty()) {
            return "voc: no touchpoint with enough answers yet"
                    + (alertCount > 0 ? " | trend alerts: " + alertCount : "");
        }
        moves.sort(Comparator.comparingDouble(m -> Double.parseDouble(m[1])));
        List<String> worst = new ArrayList<>();
        for (int i = 0; i < Math.min(WORST, moves.size()); i++) {
            worst.add(moves.get(i)[0]);
        }
        return "voc: worst-moving touchpoints (NPS): " + String.join(", ", worst) + " | trend alerts: " + alertCount;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
