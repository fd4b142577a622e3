package io.cxstream.journey;

/** Net Promoter buckets: promoters 9-10, passives 7-8, detractors 0-6. */
public enum NpsCategory {
    PROMOTER,
    PASSIVE,
    DETRACTOR
}
