package dev.dialtone.bench.probe;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One round of the SIP server test, field for field as the monitoring API of {@code seeds/000} reports it. Times
 * are whole milliseconds and add up as the seed's do: {@code waitTime} runs from the end of sending the first
 * OPTIONS to the first byte of its first response, {@code responseTime} is {@code dnsTime + connectTime + waitTime}
 * (time to first byte), and {@code totalTime} is the sum of the steps (DNS, connect, OPTIONS, REGISTER, INVITE),
 * or the time until the failure when a step fails. {@code connectTime} includes the TLS handshake; it is 0 over
 * UDP, and {@code dnsTime} is 0 for an IP literal. {@code optionsRequest} and {@code optionsResponse} hold every
 * request sent and every final response received in the OPTIONS step (the challenge and the authenticated retry),
 * exactly as on the wire, separated by a newline.
 */
@JsonPropertyOrder(alphabetic = true)
public record SipMetric(String agentName, String authUser, double availability, long connectTime, String date,
                        long dnsTime, String errorType, long inviteTime, int numRedirects, String optionsRequest,
                        String optionsResponse, long optionsTime, String problemDetail, long registerTime,
                        int responseCode, long responseTime, long roundId, String serverIp, long totalTime,
                        long waitTime) {
}
