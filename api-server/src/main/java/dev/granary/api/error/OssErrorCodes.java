package dev.granary.api.error;

import java.util.Map;

/**
 * OSS's fine-grained error codes (EC, {@code NNNN-NNNNNNNN}) for the error codes whose EC Alibaba Cloud documents;
 * OSS says clients must not build logic on them (they identify a cause for a human). Any other error answers
 * {@code 0000-00000000}: a cause Granary names by its Code and Message alone.
 */
final class OssErrorCodes {
    /** The EC of an error whose cause has no documented OSS code. */
    static final String UNKNOWN = "0000-00000000";

    private static final Map<String, String> BY_CODE = Map.of(
            "NoSuchKey", "0026-00000001",
            "AccessDenied", "0003-00000001",
            "MalformedXML", "0031-00000001",
            "MissingArgument", "0016-00000502",
            "PreconditionFailed", "0017-00001001");

    private OssErrorCodes() {}

    static String ec(String code) {
        return BY_CODE.getOrDefault(code, UNKNOWN);
    }
}
