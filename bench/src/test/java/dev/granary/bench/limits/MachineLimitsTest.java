package dev.granary.bench.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MachineLimitsTest {
    @Test
    void theLimitsFileIsJsonWhateverTheFolderIsCalled() throws Exception {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kind", "disk");
        row.put("name", "fsync'd write 4 KiB \"each\"");
        row.put("sizeBytes", 4096);
        row.put("mibPerSec", 12.3456);
        // The hand-written writer this replaced put the folder in quotes unescaped.
        JsonNode json = JsonMapper.builder()
                .build()
                .readTree(MachineLimits.toJson(Path.of("/tmp/a \"quoted\" \\ folder"), List.of(row)));
        assertThat(json.get("dir").asText()).isEqualTo("/tmp/a \"quoted\" \\ folder");
        assertThat(json.get("limits").get(0).get("name").asText()).isEqualTo("fsync'd write 4 KiB \"each\"");
        assertThat(json.get("limits").get(0).get("mibPerSec").asDouble()).isEqualTo(12.346);
    }
}
