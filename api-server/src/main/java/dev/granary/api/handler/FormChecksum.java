package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.auth.ChecksumAlgorithm;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * A POST form's {@code x-amz-checksum-<algorithm>} field: the file is checked against it as it streams, and a
 * mismatch fails the upload (nothing is stored) with 400 BadDigest, as the header does on PutObject.
 */
final class FormChecksum {
    private static final String PREFIX = "x-amz-checksum-";

    private FormChecksum() {}

    /** The declared checksum of the form's fields: its algorithm name (e.g. {@code SHA256}) and value; or empty. */
    static Optional<Map.Entry<ChecksumAlgorithm, String>> of(Map<String, String> fields) {
        Map.Entry<ChecksumAlgorithm, String> found = null;
        for (Map.Entry<String, String> f : fields.entrySet()) {
            if (!f.getKey().startsWith(PREFIX) || f.getKey().equals("x-amz-checksum-algorithm")) {
                continue;
            }
            ChecksumAlgorithm algorithm = ChecksumAlgorithm.fromHeaderName(f.getKey())
                    .orElseThrow(
                            () -> new S3Exception(S3Error.INVALID_REQUEST, "Invalid checksum field " + f.getKey()));
            if (found != null || algorithm.decode(f.getValue()).isEmpty()) {
                throw new S3Exception(S3Error.INVALID_REQUEST, "Value for " + f.getKey() + " header is invalid.");
            }
            found = Map.entry(algorithm, f.getValue());
        }
        return Optional.ofNullable(found);
    }

    /** {@code body}, checked at its end against the declared checksum. */
    static InputStream verifying(InputStream body, ChecksumAlgorithm algorithm, String expected) {
        ChecksumAlgorithm.Hasher hasher = algorithm.newHasher();
        return new FilterInputStream(body) {
            private boolean checked;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    hasher.update(b, off, n);
                } else if (n < 0 && !checked) {
                    checked = true;
                    byte[] want = algorithm.decode(expected).orElseThrow();
                    if (!MessageDigest.isEqual(hasher.digest(), want)) {
                        throw new Mismatch(algorithm);
                    }
                }
                return n;
            }
        };
    }

    /** The file did not match its declared checksum. */
    static final class Mismatch extends IOException {
        private static final long serialVersionUID = 1L;

        Mismatch(ChecksumAlgorithm algorithm) {
            super("The " + algorithm.headerName() + " you specified did not match the calculated checksum.");
        }

        S3Exception toS3() {
            return new S3Exception(S3Error.BAD_DIGEST, getMessage(), this);
        }
    }
}
