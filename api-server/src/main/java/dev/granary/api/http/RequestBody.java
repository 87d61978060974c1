package dev.granary.api.http;

import java.io.InputStream;
import java.util.Map;

/**
 * A request body as handlers read it.
 *
 * @param stream the decoded, verifying stream
 * @param length decoded length, or -1 if unknown
 * @param checksums declared checksums by algorithm, complete once the stream reached its end
 * @param contentMd5 the Content-MD5 the client declared, or null
 */
@SuppressWarnings("ArrayRecordComponent") // a hand-off to a handler, never compared or hashed
record RequestBody(InputStream stream, long length, Map<String, String> checksums, byte[] contentMd5) {}
