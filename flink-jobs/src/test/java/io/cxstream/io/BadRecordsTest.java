package io.cxstream.io;

import io.cxstream.avro.DeadLetterReason;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixtures of BadInputITCase through the deserializer alone: every hostile record gets the reason
 * the fixture claims (so the integration test's expectations are right, and fail fast here if not).
 */
class BadRecordsTest {
    private static final long NOW = System.currentTimeMillis();

    private final CxRecordDeserializer deserializer = new CxRecordDeserializer(
            "i",
            "f",
            "c",
            null,
            64 * 1024,
            new EventValidator(
                    Duration.ofMinutes(10).toMillis(), Duration.ofDays(30).toMillis(), 32),
            (LongSupplier & java.io.Serializable) () -> NOW);

    private void assertReasons(String topic, List<BadRecords.Sample> samples) {
        assertThat(samples).hasSizeGreaterThan(100);
        for (BadRecords.Sample s : samples) {
            Decoded d = deserializer.decode(topic, 0, 0, NOW, s.value());
            DeadLetterReason actual = d.isDeadLetter() ? d.deadLetter.getReason() : null;
            assertThat(actual)
                    .as("%s on %s (%s bytes)", s.key(), topic, s.value() == null ? null : s.value().length)
                    .isEqualTo(s.expected());
        }
    }

    @Test
    void everyFixtureGetsItsReason() {
        BadRecords bad = new BadRecords(42, NOW);
        assertReasons("i", bad.interactions(40));
        assertReasons("f", bad.feedback(40));
        assertReasons("c", bad.consents(40));
    }
}
