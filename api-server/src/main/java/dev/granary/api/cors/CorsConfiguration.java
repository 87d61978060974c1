package dev.granary.api.cors;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.xml.XmlReader;
import dev.granary.api.xml.XmlWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.w3c.dom.Element;

/** A bucket's CORSConfiguration document: its rules in order; the first rule that matches a request applies. */
public record CorsConfiguration(List<CorsRule> rules) {
    /** The name the document is stored under with the bucket. */
    public static final String CONFIG_NAME = "cors";

    /** AWS's limit on rules per configuration. */
    static final int MAX_RULES = 100;

    private static final Set<String> METHODS = Set.of("GET", "PUT", "HEAD", "POST", "DELETE");

    public CorsConfiguration {
        rules = List.copyOf(rules);
    }

    /**
     * Parses and validates a PutBucketCors body as AWS does: a missing AllowedOrigin or AllowedMethod, an empty
     * or oversized rule list or a non-numeric MaxAgeSeconds is MalformedXML; a method S3 does not know or a
     * pattern with two wildcards is InvalidRequest.
     */
    public static CorsConfiguration parse(Element root) {
        if (!"CORSConfiguration".equals(XmlReader.localName(root))) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        List<Element> ruleElements = XmlReader.children(root, "CORSRule");
        if (ruleElements.isEmpty() || ruleElements.size() > MAX_RULES) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        List<CorsRule> rules = new ArrayList<>();
        for (Element r : ruleElements) {
            List<String> origins = texts(r, "AllowedOrigin");
            List<String> methods = texts(r, "AllowedMethod");
            if (origins.isEmpty() || methods.isEmpty()) {
                throw new S3Exception(S3Error.MALFORMED_XML);
            }
            for (String method : methods) {
                if (!METHODS.contains(method)) {
                    throw new S3Exception(
                            S3Error.INVALID_REQUEST,
                            "Found unsupported HTTP method in CORS config. Unsupported method is " + method);
                }
            }
            for (String origin : origins) {
                oneWildcard("AllowedOrigin", origin);
            }
            List<String> headers = texts(r, "AllowedHeader");
            for (String header : headers) {
                oneWildcard("AllowedHeader", header);
            }
            String id = XmlReader.childText(r, "ID");
            if (id != null && id.length() > 255) {
                throw new S3Exception(S3Error.INVALID_REQUEST, "The ID of a CORS rule must be at most 255 characters.");
            }
            String maxAge = XmlReader.childText(r, "MaxAgeSeconds");
            Integer maxAgeSeconds = null;
            if (maxAge != null) {
                try {
                    maxAgeSeconds = Integer.valueOf(maxAge.trim());
                } catch (NumberFormatException e) {
                    throw new S3Exception(S3Error.MALFORMED_XML, S3Error.MALFORMED_XML.message(), e);
                }
            }
            rules.add(new CorsRule(id, origins, methods, headers, texts(r, "ExposeHeader"), maxAgeSeconds));
        }
        return new CorsConfiguration(rules);
    }

    /** The document as GetBucketCors answers it (and as it is stored). */
    public XmlWriter toXml() {
        XmlWriter xml = XmlWriter.document("CORSConfiguration");
        for (CorsRule rule : rules) {
            xml.start("CORSRule").element("ID", rule.id());
            rule.allowedHeaders().forEach(h -> xml.element("AllowedHeader", h));
            rule.allowedMethods().forEach(m -> xml.element("AllowedMethod", m));
            rule.allowedOrigins().forEach(o -> xml.element("AllowedOrigin", o));
            rule.exposeHeaders().forEach(h -> xml.element("ExposeHeader", h));
            if (rule.maxAgeSeconds() != null) {
                xml.element("MaxAgeSeconds", rule.maxAgeSeconds().longValue());
            }
            xml.end();
        }
        return xml;
    }

    /**
     * The first rule that allows {@code origin} to send {@code method} with {@code requestHeaders}, or null.
     */
    public CorsRule match(String origin, String method, List<String> requestHeaders) {
        for (CorsRule rule : rules) {
            if (rule.matchingOrigin(origin) != null
                    && rule.allowsMethod(method)
                    && rule.allowsHeaders(requestHeaders)) {
                return rule;
            }
        }
        return null;
    }

    private static void oneWildcard(String element, String value) {
        if (value.indexOf('*') != value.lastIndexOf('*')) {
            throw new S3Exception(
                    S3Error.INVALID_REQUEST, element + " \"" + value + "\" can not have more than one wildcard.");
        }
    }

    private static List<String> texts(Element parent, String name) {
        List<String> result = new ArrayList<>();
        for (Element e : XmlReader.children(parent, name)) {
            result.add(e.getTextContent().trim());
        }
        return result;
    }
}
