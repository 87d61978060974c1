package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.lifecycle.LifecycleConfigs;
import dev.granary.api.xml.XmlReader;
import dev.granary.api.xml.XmlWriter;
import dev.granary.auth.PayloadDecoder;
import dev.granary.storage.CompletedPart;
import dev.granary.storage.MultipartUpload;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.PartMeta;
import dev.granary.storage.StorageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * CompleteMultipartUpload: the listed parts become the object (no bytes copied). Checks order, existence,
 * ETags, declared part checksums and the 5 MiB minimum for all parts but the last; computes the composite
 * checksum when the upload declared one, and OSS's CRC-64/XZ of the whole object from its parts' when each has one.
 */
record CompleteMultipartUploadHandler(ObjectStore store, LifecycleConfigs lifecycle) implements OperationHandler {
    /** The system property naming the upload an object was completed from. */
    static final String COMPLETED_UPLOAD = "multipart.upload-id";

    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        String uploadId = request.query("uploadId");
        MultipartUpload upload;
        try {
            upload = store.getUpload(request.objectKey(), uploadId);
        } catch (StorageException e) {
            ObjectMeta done =
                    e.reason() == StorageException.Reason.NO_SUCH_UPLOAD ? completedBy(request, uploadId) : null;
            if (done == null) {
                throw e;
            }
            // A retry of a completion that succeeded (its answer lost on the way): the same answer again, as S3 does.
            request.body().transferTo(java.io.OutputStream.nullOutputStream());
            answer(request, response, done, done.attributes().checksumType());
            return;
        }
        Element root = XmlReader.parse(request.body());
        if (!"CompleteMultipartUpload".equals(XmlReader.localName(root))) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        List<CompletedPart> parts = new ArrayList<>();
        List<Map<String, String>> declaredChecksums = new ArrayList<>();
        for (Element p : XmlReader.children(root, "Part")) {
            String number = XmlReader.childText(p, "PartNumber");
            String etag = XmlReader.childText(p, "ETag");
            if (number == null || etag == null) {
                throw new S3Exception(S3Error.MALFORMED_XML);
            }
            int partNumber;
            try {
                partNumber = Integer.parseInt(number.trim());
            } catch (NumberFormatException e) {
                throw new S3Exception(S3Error.MALFORMED_XML);
            }
            parts.add(new CompletedPart(partNumber, unquote(etag.trim())));
            declaredChecksums.add(checksumElements(p));
        }
        if (parts.isEmpty()) {
            throw new S3Exception(
                    S3Error.MALFORMED_XML,
                    "The XML you provided was not well-formed or did not validate against our published schema");
        }
        if (parts.size() > Limits.MAX_PART_NUMBER) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        Map<Integer, PartMeta> stored = new HashMap<>();
        for (PartMeta part : store.listParts(request.objectKey(), uploadId, 0, Limits.MAX_PART_NUMBER)) {
            stored.put(part.partNumber(), part);
        }
        List<PartMeta> listed = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            PartMeta part = stored.get(parts.get(i).partNumber());
            if (part != null && !MultipartChecksum.partMatches(part, declaredChecksums.get(i))) {
                throw new S3Exception(S3Error.INVALID_PART);
            }
            if (part != null) {
                listed.add(part);
            }
        }
        MultipartChecksum declared =
                MultipartChecksum.decode(upload.attributes().checksumType());
        Map<String, String> checksums = new TreeMap<>();
        String checksumType = null;
        if (declared != null && listed.size() == parts.size()) {
            String composite = declared.composite(listed);
            if (composite != null) {
                checksums.put(declared.algorithm(), composite);
                checksumType = "COMPOSITE";
            }
        }
        String crc64 = listed.size() == parts.size() ? MultipartChecksum.ossCrc64(listed) : null;
        if (crc64 != null) {
            checksums.put(PayloadDecoder.CRC64ECMA, crc64);
        }
        ObjectMeta meta = store.completeUpload(
                request.objectKey(),
                uploadId,
                parts,
                request.oss() ? Limits.OSS_MIN_PART_SIZE : Limits.MIN_PART_SIZE,
                checksums,
                checksumType,
                chosen -> completionProperties(upload, uploadId, chosen));
        answer(request, response, meta, checksumType);
    }

    /** The system properties the completed object gets: its upload id (for retries) and encryption's. */
    private static Map<String, String> completionProperties(
            MultipartUpload upload, String uploadId, List<PartMeta> parts) {
        Map<String, String> properties =
                new TreeMap<>(Encryption.completion(upload.attributes().system(), parts));
        properties.put(COMPLETED_UPLOAD, uploadId);
        return properties;
    }

    /** The current object of the key if the upload {@code uploadId} made it, else null. */
    private ObjectMeta completedBy(S3Request request, String uploadId) {
        try {
            ObjectMeta current = store.headObject(request.objectKey());
            return uploadId != null
                            && uploadId.equals(current.attributes().system().get(COMPLETED_UPLOAD))
                    ? current
                    : null;
        } catch (StorageException e) {
            return null;
        }
    }

    private void answer(S3Request request, S3Response response, ObjectMeta meta, String checksumType) {
        String host = request.header(AmzHeaders.HOST);
        XmlWriter xml = XmlWriter.document("CompleteMultipartUploadResult")
                .element("Location", "http://" + host + "/" + request.bucket() + "/" + request.key())
                .element("Bucket", request.bucket())
                .element("Key", request.key())
                .element("ETag", meta.quotedEtag());
        CopyObjectHandler.writeChecksumElements(xml, meta.attributes().checksums());
        if (checksumType != null) {
            xml.element("ChecksumType", checksumType);
        }
        ObjectHeaders.writeWrittenVersion(response, meta);
        ObjectHeaders.writeOssCrc64(request, response, meta.attributes().checksums());
        if (request.oss()) {
            response.header(AmzHeaders.ETAG, meta.quotedEtag()); // ali-oss reads the object's ETag from the header
        }
        lifecycle.writeExpiration(response, meta);
        Encryption.writeHeaders(response, meta.attributes().system());
        response.xml(xml);
    }

    private static Map<String, String> checksumElements(Element part) {
        Map<String, String> found = new TreeMap<>();
        for (Node n = part.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                String name = XmlReader.localName(e);
                if (name.startsWith("Checksum") && !name.equals("ChecksumType")) {
                    found.put(
                            name.substring("Checksum".length()).toUpperCase(Locale.ROOT),
                            e.getTextContent().trim());
                }
            }
        }
        return found;
    }

    private static String unquote(String etag) {
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1)
                : etag;
    }
}
