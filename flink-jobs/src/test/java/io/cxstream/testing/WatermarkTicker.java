package io.cxstream.testing;

import io.cxstream.avro.InteractionType;
import io.cxstream.avro.wire.WireFormat;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps event time moving in an integration test: sends a page view of a filler customer, stamped
 * with the wall clock, every {@code periodMillis}. Event-time detectors fire only when the
 * watermark passes, and the watermark moves only with events (idle partitions are skipped).
 */
public final class WatermarkTicker implements AutoCloseable {
    public static final String FILLER_CUSTOMER = "filler-ticker";

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "watermark-ticker");
        t.setDaemon(true);
        return t;
    });

    public WatermarkTicker(TestKafkaClient kafka, String interactionsTopic, long periodMillis) {
        executor.scheduleAtFixedRate(() -> kafka.send(interactionsTopic, FILLER_CUSTOMER,
                Events.interaction(FILLER_CUSTOMER, System.currentTimeMillis(), InteractionType.PAGE_VIEW, "home"),
                WireFormat.AVRO), 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
