package io.cxstream.detect;

import io.cxstream.avro.TriggerType;
import io.cxstream.config.CxConfig;

import java.util.ArrayList;
import java.util.List;

/** The detectors enabled by {@code detect.enabled}, built from their settings. */
public final class Detectors {
    private Detectors() {}

    /**
     * The longest window in which an order can change a detector's outcome (payment friction and
     * abandonment are broken by an order); the journey flags orders within it of a payment failure or
     * error ({@link io.cxstream.journey.JourneyEvent#afterFriction}).
     */
    public static java.time.Duration frictionWindow(CxConfig config) {
        return config.paymentWindow.compareTo(config.abandonWindow) >= 0 ? config.paymentWindow : config.abandonWindow;
    }

    public static List<Detector> enabled(CxConfig config) {
        List<Detector> detectors = new ArrayList<>();
        for (TriggerType type : config.detectors) {
            detectors.add(create(type, config));
        }
        return detectors;
    }

    static Detector create(TriggerType type, CxConfig c) {
        switch (type) {
            case DETRACTOR:
                return new DetractorPattern(c.detractorMaxNps);
            case PAYMENT_FRICTION:
                return new PaymentFrictionPattern(c.paymentFailures, c.paymentWindow);
            case REPEAT_CONTACT:
                return new RepeatContactPattern(c.repeatContacts, c.repeatWindow);
            case ERROR_THEN_ABANDON:
                return new ErrorThenAbandonPattern(c.abandonWindow, c.abandonTouchpoints);
            case PROMOTER:
                return new PromoterPattern(c.promoterMinNps);
            default:
                throw new IllegalArgumentException("No detector for " + type);
        }
    }
}
