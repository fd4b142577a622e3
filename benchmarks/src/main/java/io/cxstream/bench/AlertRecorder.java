package io.cxstream.bench;

import io.cxstream.avro.OutreachEvent;
import io.cxstream.avro.TriggerType;
import io.cxstream.avro.wire.WireCodec;
import io.cxstream.avro.wire.WireFormatException;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Reads the outreach topics and records event-to-alert latency (receive time minus lastEvidenceTime). */
final class AlertRecorder implements Runnable, AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final WireCodec<OutreachEvent> codec = WireCodec.of(OutreachEvent.class);
    private final Histogram histogram = new Histogram(TimeUnit.HOURS.toMillis(1), 3);
    private final Map<TriggerType, Long> byTrigger = new EnumMap<>(TriggerType.class);
    private final AtomicLong undecodable = new AtomicLong();
    private long received;
    private long warmup;
    private long windowed;
    private volatile long recordFrom = Long.MAX_VALUE;
    private volatile boolean running = true;

    AlertRecorder(KafkaConsumer<byte[], byte[]> consumer, List<String> topics) {
        this.consumer = consumer;
        this.topics = topics;
    }

    void recordFrom(long epochMillis) {
        recordFrom = epochMillis;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(topics);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long receivedAt = System.currentTimeMillis();
                    try {
                        record(codec.decode(r.value()), receivedAt);
                    } catch (WireFormatException e) {
                        undecodable.incrementAndGet();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private synchronized void record(OutreachEvent o, long receivedAt) {
        received++;
        byTrigger.merge(o.getTrigger(), 1L, Long::sum);
        long evidence = o.getLastEvidenceTime().toEpochMilli();
        if (o.getTrigger() == TriggerType.ERROR_THEN_ABANDON) {
            // fires when event time passes the abandonment window: its latency is the window by design
            windowed++;
        } else if (evidence < recordFrom) {
            warmup++;
        } else {
            histogram.recordValue(Math.max(0, Math.min(receivedAt - evidence, histogram.getHighestTrackableValue())));
        }
    }

    synchronized String summary() {
        if (histogram.getTotalCount() == 0) {
            return "outreach " + received + ", no latency recorded yet";
        }
        return String.format(
                "outreach %d | latency p50 %d ms, p99 %d ms, max %d ms (n=%d)",
                received,
                histogram.getValueAtPercentile(50),
                histogram.getValueAtPercentile(99),
                histogram.getMaxValue(),
                histogram.getTotalCount());
    }

    synchronized Map<String, Object> result() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outreach_received", received);
        m.put("outreach_by_trigger", new LinkedHashMap<>(byTrigger));
        m.put("undecodable", undecodable.get());
        m.put("recorded", histogram.getTotalCount());
        m.put("excluded_warmup", warmup);
        m.put("excluded_error_then_abandon", windowed);
        m.put("p50_ms", histogram.getValueAtPercentile(50));
        m.put("p95_ms", histogram.getValueAtPercentile(95));
        m.put("p99_ms", histogram.getValueAtPercentile(99));
        m.put("max_ms", histogram.getMaxValue());
        m.put("mean_ms", BenchMain.round(histogram.getMean(), 1));
        return m;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
