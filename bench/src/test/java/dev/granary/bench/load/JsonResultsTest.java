package dev.granary.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The driver's --json file: layout, rounding and escaping, as earlier result files have it. */
class JsonResultsTest {
    @Test
    void writesIndentedJsonWithRoundedDoublesAndNullForNonFinite() {
        Map<String, Object> byOp = new LinkedHashMap<>();
        byOp.put("PUT", Map.of("ops", 3L));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("label", "gran\"ary\\\n");
        doc.put("concurrency", 16);
        doc.put("durationSeconds", 45.0);
        doc.put("opsPerSec", 1234.56789);
        doc.put("latencyP99Ms", 0.0004);
        doc.put("nan", Double.NaN);
        doc.put("infinite", Double.POSITIVE_INFINITY);
        doc.put("serverPid", null);
        doc.put("ok", true);
        doc.put("byOp", byOp);
        doc.put("empty", Map.of());
        doc.put("sampleErrors", List.of());
        doc.put("results", Arrays.asList("a", 1, null));

        assertThat(JsonResults.write(doc)).isEqualTo("""
                {
                  "label": "gran\\"ary\\\\\\n",
                  "concurrency": 16,
                  "durationSeconds": 45.0,
                  "opsPerSec": 1234.568,
                  "latencyP99Ms": 0.0,
                  "nan": null,
                  "infinite": null,
                  "serverPid": null,
                  "ok": true,
                  "byOp": {
                    "PUT": {
                      "ops": 3
                    }
                  },
                  "empty": {},
                  "sampleErrors": [],
                  "results": [
                    "a",
                    1,
                    null
                  ]
                }
                """);
    }
}
