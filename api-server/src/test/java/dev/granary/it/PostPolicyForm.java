package dev.granary.it;

import dev.granary.auth.PostPolicyVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTML upload form for POST object: its policy conditions and the fields it sends, signed with SigV4 for
 * {@code expiration} as a web application's backend would sign it for a browser page.
 */
final class PostPolicyForm {
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    final List<String> conditions = new ArrayList<>();
    final Map<String, String> fields = new LinkedHashMap<>();
    Instant expiration = Instant.now().plus(1, ChronoUnit.HOURS);
    String secret = GranaryServerExtension.SECRET_KEY;
    boolean sign = true;

    PostPolicyForm(String bucket, String key) {
        fields.put("key", key);
        conditions.add("{\"bucket\": \"" + bucket + "\"}");
        conditions.add("[\"starts-with\", \"$key\", \"\"]");
    }

    /** Sends {@code name} with {@code value}, which the policy requires exactly. */
    PostPolicyForm field(String name, String value) {
        fields.put(name, value);
        conditions.add("[\"eq\", \"$" + name + "\", \"" + value + "\"]");
        return this;
    }

    PostPolicyForm condition(String json) {
        conditions.add(json);
        return this;
    }

    /** The fields as sent, {@code file} apart: the form's own, then the signing fields and the signed policy. */
    Map<String, String> signed() {
        Instant now = Instant.now();
        String amzDate = AMZ_DATE.format(now);
        String date = amzDate.substring(0, 8);
        String credential = GranaryServerExtension.ACCESS_KEY + "/" + date + "/us-east-1/s3/aws4_request";
        List<String> all = new ArrayList<>(conditions);
        all.add("{\"x-amz-algorithm\": \"AWS4-HMAC-SHA256\"}");
        all.add("{\"x-amz-credential\": \"" + credential + "\"}");
        all.add("{\"x-amz-date\": \"" + amzDate + "\"}");
        String policy = "{\"expiration\": \"" + expiration.truncatedTo(ChronoUnit.MILLIS) + "\", \"conditions\": ["
                + String.join(", ", all) + "]}";
        String policyB64 = Base64.getEncoder().encodeToString(policy.getBytes(StandardCharsets.UTF_8));
        Map<String, String> result = new LinkedHashMap<>(fields);
        if (sign) {
            result.put("x-amz-algorithm", "AWS4-HMAC-SHA256");
            result.put("x-amz-credential", credential);
            result.put("x-amz-date", amzDate);
            result.put("policy", policyB64);
            result.put("x-amz-signature", PostPolicyVerifier.signature(secret, date, "us-east-1", policyB64));
        }
        return result;
    }
}
