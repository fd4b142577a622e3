package io.cxstream.local;

import io.cxstream.avro.OutreachEvent;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's window on the job: reads both outreach topics (read_committed, like a real consumer)
 * and prints each outreach as it arrives, with its reason and its event-to-alert latency (from the
 * event time of the last evidence to the moment this consumer received it). Keeps counts and a
 * latency sample for the running summary. The one place where printing to stdout is the point.
 */
public final class AlertPrinter implements Runnable, AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final int LATENCY_SAMPLES = 4096;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final PrintStream out;
    private final WireCodec<OutreachEvent> codec = WireCodec.of(OutreachEvent.class);
    private final Map<String, AtomicLong> byTrigger = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final long[] latencies = new long[LATENCY_SAMPLES];
    private final AtomicLong received = new AtomicLong();
    private volatile boolean running = true;

    public AlertPrinter(String bootstrapServers, List<String> topics, PrintStream out) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "cx-demo-alert-printer");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.topics = topics;
        this.out = out;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(topics);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    long receivedAt = System.currentTimeMillis();
                    try {
                        print(codec.decode(record.value()), receivedAt);
                    } catch (WireFormatException e) {
                        out.println("undecodable outreach on " + record.topic() + ": " + e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void print(OutreachEvent o, long receivedAt) {
        long latency = Math.max(0, receivedAt - o.getLastEvidenceTime().toEpochMilli());
        synchronized (this) {
            long n = received.getAndIncrement();
            latencies[(int) (n % LATENCY_SAMPLES)] = latency;
            byTrigger.computeIfAbsent(triggerName(o), t -> new AtomicLong()).incrementAndGet();
        }
        out.printf(
                "%s  %-2s %-14s %-18s %-10s %s  (latency %.1f s)%n     → %s%n",
                LocalTime.now(ZoneId.systemDefault()).format(TIME),
                o.getPriority(),
                o.getRoute(),
                triggerName(o),
                o.getCustomerId(),
                o.getReason(),
                latency / 1000.0,
                o.getRecommendedAction());
    }

    public long received() {
        return received.get();
    }

    /** One line: outreach so far by trigger, and the latency percentiles of the recent sample. */
    public synchronized String summary() {
        long n = received.get();
        if (n == 0) {
            return "outreach: none yet";
        }
        int size = (int) Math.min(n, LATENCY_SAMPLES);
        long[] sample = Arrays.copyOf(latencies, size);
        Arrays.sort(sample);
        return String.format(
                "outreach: %d %s | event-to-alert latency p50 %.1f s, p99 %.1f s, max %.1f s",
                n,
                byTrigger,
                sample[size / 2] / 1000.0,
                sample[Math.min(size - 1, (int) (size * 0.99))] / 1000.0,
                sample[size - 1] / 1000.0);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }

    /** The rule's trigger name (records written before rules were data carry only the enum). */
    static String triggerName(io.cxstream.avro.OutreachEvent o) {
        return o.getTriggerName() != null ? o.getTriggerName() : o.getTrigger().name();
    }
}
