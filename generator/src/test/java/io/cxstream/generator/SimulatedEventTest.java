package io.cxstream.generator;

import io.cxstream.avro.FeedbackEvent;
import io.cxstream.avro.InteractionEvent;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatedEventTest {
    private static final Instant TIME = Instant.ofEpochMilli(1_764_000_000_000L);

    @Test
    void exposesTheRecordsIdTimeAndTopic() {
        InteractionEvent record = new InteractionEvent();
        record.setEventId("e-1");
        record.setEventTime(TIME);
        SimulatedEvent event = new SimulatedEvent(EventKind.INTERACTION, "c-1", record, Persona.PROMOTER, 3, false);

        assertThat(event.eventId()).isEqualTo("e-1");
        assertThat(event.eventTime()).isEqualTo(TIME);
        assertThat(event.interaction()).isSameAs(record);
        assertThat(event.topic(TopicNames.DEFAULT)).isEqualTo("cx.interactions");
        assertThatThrownBy(event::feedback).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(event::consent).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aKindThatDoesNotMatchTheRecordIsRefused() {
        assertThatThrownBy(() ->
                        new SimulatedEvent(EventKind.CONSENT, "c-1", new FeedbackEvent(), Persona.DETRACTOR, 1, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ConsentEvent");
    }
}
