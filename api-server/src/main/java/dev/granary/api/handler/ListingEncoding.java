package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.UrlCodec;
import java.util.function.UnaryOperator;

/**
 * A listing's {@code encoding-type}: absent (values as they are) or {@code url} (keys, prefixes, delimiters and
 * markers URL-encoded, so that keys with characters XML 1.0 cannot carry survive); anything else is
 * InvalidArgument, as in S3.
 *
 * @param type the requested type, echoed in the answer's EncodingType element, or null
 * @param encoder applies it to one value
 */
record ListingEncoding(String type, UnaryOperator<String> encoder) {

    static ListingEncoding of(S3Request request) {
        String type = request.query("encoding-type");
        if (type == null) {
            return new ListingEncoding(null, s -> s);
        }
        if (!type.equals("url")) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "Invalid Encoding Method specified in Request")
                    .with("ArgumentName", "encoding-type")
                    .with("ArgumentValue", type);
        }
        return new ListingEncoding(type, UrlCodec::encodeListingValue);
    }

    String apply(String value) {
        return encoder.apply(value);
    }
}
