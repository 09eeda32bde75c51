package dev.dialtone.sip.transport;

/**
 * What a {@link SipTransportLayer} has seen since it started.
 *
 * @param received            messages decoded and handed up
 * @param badRequestsAnswered malformed requests answered with a stateless 400
 * @param dropped             input discarded: malformed messages that could not be answered, malformed responses,
 *                            responses whose top Via is not ours
 * @param pings               CRLF keep-alive pings received
 * @param connections         TCP and TLS connections open now
 */
public record TransportStats(long received, long badRequestsAnswered, long dropped, long pings, int connections) {
}
