package dev.granary.metering;

/**
 * The dimensions usage is aggregated by.
 *
 * @param account the account billed
 * @param bucket the bucket, or null for requests without one (ListBuckets)
 * @param operation the S3 operation name
 * @param requestClass the billing class
 * @param statusFamily the first digit of the HTTP status: 2, 3, 4 or 5
 */
public record UsageKey(String account, String bucket, String operation, RequestClass requestClass, int statusFamily) {

    /** The key of a record. */
    public static UsageKey of(UsageRecord r) {
        return new UsageKey(r.account(), r.bucket(), r.operation(), r.requestClass(), r.status() / 100);
    }
}
