package io.cxstream.local;

import io.cxstream.avro.OutreachUpdate;
import io.cxstream.avro.RecoveryRate;
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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's window on the closed loop: prints each status change of an outreach (OPEN, ACKED, CLOSED, RESOLVED,
 * ESCALATED, EXPIRED, HELD_OUT) from the updates topic, counts them, and keeps the latest recovery figures per
 * rule from the recovery topic for the summary (treated versus held out, with counts). Printing is its point.
 */
public final class LoopPrinter implements Runnable, AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String updatesTopic;
    private final String recoveryTopic;
    private final PrintStream out;
    private final WireCodec<OutreachUpdate> updates = WireCodec.of(OutreachUpdate.class);
    private final WireCodec<RecoveryRate> rates = WireCodec.of(RecoveryRate.class);
    private final Map<String, AtomicLong> byStatus = new ConcurrentSkipListMap<>();
    private final Map<String, RecoveryRate> byRule = new ConcurrentSkipListMap<>();
    private volatile boolean running = true;

    public LoopPrinter(String bootstrapServers, String updatesTopic, String recoveryTopic, PrintStream out) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "cx-demo-loop-printer");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.updatesTopic = updatesTopic;
        this.recoveryTopic = recoveryTopic;
        this.out = out;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(updatesTopic, recoveryTopic));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        if (r.topic().equals(updatesTopic)) {
                            print(updates.decode(r.value()));
                        } else {
                            RecoveryRate rate = rates.decode(r.value());
                            byRule.put(rate.getRuleId(), rate);
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

    private void print(OutreachUpdate u) {
        if (u.getRecovery() != null) {
            return; // outcomes show in the summary's recovery figures
        }
        byStatus.computeIfAbsent(u.getStatus().name(), s -> new AtomicLong()).incrementAndGet();
        out.println(line(u, LocalTime.now(ZoneId.systemDefault()).format(TIME)));
    }

    /** One printed line of an update (never the closing note). */
    static String line(OutreachUpdate u, String time) {
        String who = u.getHandledBy() != null ? " by " + u.getHandledBy() : "";
        String detail = u.getDetail() != null ? ": " + u.getDetail() : "";
        return String.format(
                "%s  %-9s %-2s %-18s %-10s %s%s%s",
                time,
                u.getStatus(),
                u.getPriority(),
                u.getTriggerName(),
                u.getCustomerId(),
                shortId(u.getOutreachId()),
                who,
                detail);
    }

    private static String shortId(String id) {
        return id.length() > 10 ? id.substring(0, 10) + "…" : id;
    }

    /** One line: status changes so far, and recovery per rule, treated versus held out. */
    public String summary() {
        StringBuilder sb =
                new StringBuilder("loop: ").append(byStatus.isEmpty() ? "no updates yet" : byStatus.toString());
        for (RecoveryRate r : byRule.values()) {
            sb.append(String.format(
                    "%n         recovery %-18s treated %s, held out %s",
                    r.getRuleId(),
                    rate(r.getTreatedRecovered(), r.getTreated()),
                    rate(r.getHeldOutRecovered(), r.getHeldOut())));
        }
        return sb.toString();
    }

    static String rate(long recovered, long of) {
        return of == 0 ? "0/0" : String.format("%d/%d (%.0f%%)", recovered, of, 100.0 * recovered / of);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
