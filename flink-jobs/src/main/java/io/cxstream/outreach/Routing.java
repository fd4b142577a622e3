package io.cxstream.outreach;

import io.cxstream.avro.Route;
import io.cxstream.avro.TriggerType;

/** Which system acts on which trigger: marketing for promoters, the contact center for everything else. */
public final class Routing {
    private Routing() {}

    public static Route routeOf(TriggerType trigger) {
        return trigger == TriggerType.PROMOTER ? Route.MARKETING : Route.CONTACT_CENTER;
    }
}
