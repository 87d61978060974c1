package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.auth.ChecksumAlgorithm;
import dev.granary.auth.Crc64;
import dev.granary.auth.PayloadDecoder;
import dev.granary.storage.PartMeta;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The checksum an upload declared at CreateMultipartUpload ({@code x-amz-checksum-algorithm} and
 * {@code x-amz-checksum-type}), kept in the upload's {@code checksumType} field as {@code ALGORITHM:TYPE}. A
 * COMPOSITE checksum of the object is the checksum of the concatenated binary part checksums, suffixed with the
 * part count, as AWS computes it.
 */
record MultipartChecksum(String algorithm, String type) {

    static MultipartChecksum fromCreateRequest(String algorithm, String type) {
        if (algorithm == null) {
            return null;
        }
        String alg = algorithm.toUpperCase(Locale.ROOT);
        try {
            ChecksumAlgorithm.valueOf(alg);
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3Error.INVALID_REQUEST, "Checksum algorithm provided is unsupported.");
        }
        String t =
                type == null ? (alg.equals("CRC64NVME") ? "FULL_OBJECT" : "COMPOSITE") : type.toUpperCase(Locale.ROOT);
        if (!t.equals("COMPOSITE") && !t.equals("FULL_OBJECT")) {
            throw new S3Exception(S3Error.INVALID_REQUEST, "Value for x-amz-checksum-type header is invalid.");
        }
        return new MultipartChecksum(alg, t);
    }

    /** The upload's declared checksum, or null when it declared none. */
    static MultipartChecksum decode(String stored) {
        if (stored == null || stored.indexOf(':') < 0) {
            return null;
        }
        int colon = stored.indexOf(':');
        return new MultipartChecksum(stored.substring(0, colon), stored.substring(colon + 1));
    }

    String encode() {
        return algorithm + ":" + type;
    }

    /**
     * The composite checksum over the listed parts, or null when it does not apply (FULL_OBJECT, or a part
     * without a checksum of this algorithm).
     */
    String composite(List<PartMeta> parts) {
        if (!type.equals("COMPOSITE")) {
            return null;
        }
        ChecksumAlgorithm alg = ChecksumAlgorithm.valueOf(algorithm);
        ChecksumAlgorithm.Hasher hasher = alg.newHasher();
        for (PartMeta part : parts) {
            String value = part.checksums().get(algorithm);
            if (value == null) {
                return null;
            }
            byte[] raw = Base64.getDecoder().decode(value);
            hasher.update(raw, 0, raw.length);
        }
        return Base64.getEncoder().encodeToString(hasher.digest()) + "-" + parts.size();
    }

    /**
     * OSS's CRC-64/XZ of the object the parts make, combined from theirs without reading a byte again, or null when
     * a part has none (it was uploaded through S3, or copied).
     */
    static String ossCrc64(List<PartMeta> parts) {
        long crc = 0;
        for (PartMeta part : parts) {
            String value = part.checksums().get(PayloadDecoder.CRC64ECMA);
            if (value == null) {
                return null;
            }
            crc = Crc64.combine(Crc64.Polynomial.ECMA, crc, Long.parseUnsignedLong(value), part.size());
        }
        return Long.toUnsignedString(crc);
    }

    /** Checksums named in a CompleteMultipartUpload Part element must match what the part stored. */
    static boolean partMatches(PartMeta part, Map<String, String> declared) {
        for (Map.Entry<String, String> d : declared.entrySet()) {
            String stored = part.checksums().get(d.getKey());
            if (stored != null && !stored.equals(d.getValue())) {
                return false;
            }
        }
        return true;
    }
}
