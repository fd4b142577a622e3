package io.cxstream.io;

import io.cxstream.avro.DeadLetter;

/** What the Kafka source yields: a validated event, or a dead letter (exactly one is set). */
public class Decoded {
    public CxEvent event;
    public DeadLetter deadLetter;
    /** Logical input the record came from ("interactions", "feedback", "consents"), for metrics. */
    public String input;

    public Decoded() {}

    public static Decoded event(String input, CxEvent event) {
        Decoded d = new Decoded();
        d.input = input;
        d.event = event;
        return d;
    }

    public static Decoded deadLetter(String input, DeadLetter deadLetter) {
        Decoded d = new Decoded();
        d.input = input;
        d.deadLetter = deadLetter;
        return d;
    }

    public boolean isDeadLetter() {
        return deadLetter != null;
    }
}
