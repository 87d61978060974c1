package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AmzHeaders;

/**
 * A resolved byte range {@code [first, last]} of an object. S3 serves one range of the forms
 * {@code bytes=a-b}, {@code bytes=a-} and {@code bytes=-n}; a header it cannot parse (or several ranges) is
 * ignored and the whole object is served; a range that starts beyond the object is 416.
 */
record ByteRange(long first, long last) {

    long length() {
        return last - first + 1;
    }

    String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /** The range of a Range header against an object of {@code size} bytes, or null for the whole object. */
    static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) {
            return null;
        }
        String spec = h.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty()) {
                    return null;
                }
                long n = Long.parseLong(b);
                if (n < 0) {
                    return null;
                }
                if (n == 0 || size == 0) {
                    throw unsatisfiable(size);
                }
                return new ByteRange(Math.max(0, size - n), size - 1);
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
            if (first < 0 || last < first) {
                return null;
            }
            if (first >= size) {
                throw unsatisfiable(size);
            }
            return new ByteRange(first, Math.min(last, size - 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A range given as {@code bytes=a-b} for UploadPartCopy, which must lie inside the source. */
    static ByteRange parseCopySourceRange(String header, long size) {
        String h = header.trim();
        if (h.startsWith("bytes=")) {
            String spec = h.substring("bytes=".length());
            int dash = spec.indexOf('-');
            if (dash > 0) {
                try {
                    long first = Long.parseLong(spec.substring(0, dash).trim());
                    long last = Long.parseLong(spec.substring(dash + 1).trim());
                    if (first >= 0 && last >= first && last < size) {
                        return new ByteRange(first, last);
                    }
                    if (first >= 0 && last >= first) { // well formed, but the source is shorter
                        throw new S3Exception(S3Error.INVALID_RANGE)
                                .with("RangeRequested", h)
                                .with("ActualObjectSize", Long.toString(size));
                    }
                    throw new S3Exception(
                                    S3Error.INVALID_ARGUMENT,
                                    "Range specified is not valid for source object of size: " + size)
                            .with("ArgumentName", AmzHeaders.X_AMZ_COPY_SOURCE_RANGE)
                            .with("ArgumentValue", header);
                } catch (NumberFormatException e) {
                    // fall through
                }
            }
        }
        throw new S3Exception(
                        S3Error.INVALID_ARGUMENT,
                        "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last"
                                + " are the zero-based offsets of the first and last bytes to copy")
                .with("ArgumentName", AmzHeaders.X_AMZ_COPY_SOURCE_RANGE)
                .with("ArgumentValue", header);
    }

    private static S3Exception unsatisfiable(long size) {
        return new S3Exception(S3Error.INVALID_RANGE)
                .with("RangeRequested", null)
                .with("ActualObjectSize", Long.toString(size))
                .header(AmzHeaders.CONTENT_RANGE, "bytes */" + size);
    }
}
