package dev.granary.api.xml;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Parses request bodies (CompleteMultipartUpload, Delete, CreateBucketConfiguration) with DTDs, external
 * entities and XInclude off and a size cap, so a hostile body costs at most {@link #MAX_BYTES} of memory.
 * Elements are matched by local name, so clients that omit the S3 namespace work too.
 */
public final class XmlReader {
    /** Largest request document accepted: 10,000 parts of CompleteMultipartUpload fit well below it. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;

    private static final DocumentBuilderFactory FACTORY = newFactory();

    private XmlReader() {}

    /** Reads and parses a request body; a malformed or oversized one fails with MalformedXML. */
    public static Element parse(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw new S3Exception(S3Error.MALFORMED_XML, "The XML you provided was larger than the maximum allowed.");
        }
        return parse(bytes);
    }

    /** Parses a document; a malformed one fails with MalformedXML. */
    public static Element parse(byte[] bytes) {
        if (bytes.length == 0) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        try {
            DocumentBuilder builder = FACTORY.newDocumentBuilder();
            builder.setErrorHandler(null);
            Document doc = builder.parse(new ByteArrayInputStream(bytes));
            return doc.getDocumentElement();
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new S3Exception(S3Error.MALFORMED_XML, S3Error.MALFORMED_XML.message(), e);
        }
    }

    /** The child elements of {@code parent} with the given local name, in document order. */
    public static List<Element> children(Element parent, String name) {
        List<Element> result = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(localName(e))) {
                result.add(e);
            }
        }
        return result;
    }

    /** The text of the first child element with that name, or null if there is none. */
    public static String childText(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0).getTextContent();
    }

    /** The element's name without a namespace prefix. */
    public static String localName(Element e) {
        String local = e.getLocalName();
        return local != null ? local : e.getTagName();
    }

    private static DocumentBuilderFactory newFactory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        try {
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        } catch (ParserConfigurationException | IllegalArgumentException e) {
            throw new IllegalStateException("XML parser cannot be hardened", e);
        }
        return f;
    }
}
