package dev.dialtone.bench.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BencodeTest {

    @Test
    void encode_sortsDictionaryKeys() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("sdp", "v=0");
        request.put("command", "offer");
        request.put("flags", List.of("trust-address"));
        request.put("ttl", 5);
        assertEquals("d7:command5:offer5:flagsl13:trust-addresse3:sdp3:v=03:ttli5ee",
                new String(Bencode.encode(request), StandardCharsets.UTF_8));
    }

    @Test
    void decode_readsNestedValues() {
        byte[] bytes = "xxd6:result2:ok4:listli-3e0:e3:sdp9:m=audio 1e".getBytes(StandardCharsets.UTF_8);
        Object value = Bencode.decode(bytes, 2, bytes.length - 2);
        assertEquals(Map.of("result", "ok", "list", List.of(-3L, ""), "sdp", "m=audio 1"), value);
    }

    @Test
    void decode_truncatedString_namesTheOffset() {
        byte[] bytes = "d3:sdp9:m=audioe".getBytes(StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bencode.decode(bytes, 0, bytes.length));
        assertTrue(e.getMessage().contains("overruns at 8"), e.getMessage());
    }

    @Test
    void decode_trailingBytes_areRefused() {
        byte[] bytes = "i1ei2e".getBytes(StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bencode.decode(bytes, 0, bytes.length));
        assertEquals("trailing bytes at 3", e.getMessage());
    }

    @Test
    void decode_nonStringKey_isRefused() {
        byte[] bytes = "di1e1:ae".getBytes(StandardCharsets.UTF_8);
        assertThrows(IllegalArgumentException.class, () -> Bencode.decode(bytes, 0, bytes.length));
    }
}
