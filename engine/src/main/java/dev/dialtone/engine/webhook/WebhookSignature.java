package dev.dialtone.engine.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * The request signature every webhook carries, computed as Twilio computes {@code X-Twilio-Signature}, so that
 * applications can use their existing validators: Base64 of HMAC-SHA1, keyed with the API token, over the full URL
 * (query string included, user info excluded) followed, for a POST, by each form parameter's name and value,
 * parameters sorted by name in case-sensitive code-unit order. A GET signs only the URL, whose query string
 * already holds the parameters.
 */
public final class WebhookSignature {

    /** The header Twilio's validators read. */
    public static final String TWILIO_HEADER = "X-Twilio-Signature";
    /** The same value under SignalWire's name. */
    public static final String SIGNALWIRE_HEADER = "X-SignalWire-Signature";

    private WebhookSignature() {
    }

    /**
     * The signature of a request to {@code url} with the POST {@code params} (empty for a GET).
     */
    public static String sign(String url, Map<String, String> params, String token) {
        StringBuilder data = new StringBuilder(url);
        for (Map.Entry<String, String> p : new TreeMap<>(params).entrySet()) {
            data.append(p.getKey()).append(p.getValue());
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required of every Java platform", e);
        }
    }

    /**
     * Whether {@code signature} is the one Dialtone sends for a request to {@code url} with the POST
     * {@code params} (empty for a GET), signed with {@code token}. Compares in constant time.
     */
    public static boolean verify(String url, Map<String, String> params, String token, String signature) {
        if (signature == null) {
            return false;
        }
        byte[] expected = sign(url, params, token).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    }
}
