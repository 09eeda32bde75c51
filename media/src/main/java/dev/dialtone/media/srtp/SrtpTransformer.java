package dev.dialtone.media.srtp;

import io.netty.buffer.ByteBuf;

/**
 * SRTP and SRTCP (RFC 3711) for one direction of one leg, keyed by one SDES master key. Use one transformer to
 * {@code protect} what Dialtone sends and another, built from the peer's key, to {@code unprotect} what it
 * receives; never both on one instance. A relay between an SRTP leg and a plain RTP leg unprotects on the first
 * and forwards the resulting plain packet untouched on the second (and protects in the other direction).
 *
 * <p>Per-SSRC state (rollover counter, highest index, replay window) is created on the first packet of an SSRC,
 * for an inbound stream only after that packet authenticated. Keys are derived once (key derivation rate 0).
 *
 * <p>Packets are processed in place: {@code protect} appends the tag (and MKI), {@code unprotect} strips them.
 * The {@code byte[]} methods return the new length or {@code -status.code()} ({@link SrtpStatus#of(int)});
 * the {@link ByteBuf} methods move the writer index and return the status. Nothing is allocated per packet.
 * Not thread-safe: use each instance from one event loop.
 */
public final class SrtpTransformer {
    /** RFC 3711 3.3.2: replay window size (at least 64). */
    public static final int REPLAY_WINDOW = 64;
    public static final int MAX_STREAMS = 32;

    private static final int RTP_PROTECT = 0;
    private static final int RTP_UNPROTECT = 1;
    private static final int RTCP_PROTECT = 2;
    private static final int RTCP_UNPROTECT = 3;

    private final SrtpProfile profile;
    private final byte[] mki;
    private final SessionKeys rtp;
    private final SessionKeys rtcp;
    private final Stream[] streams = new Stream[MAX_STREAMS];
    private int streamCount;
    private Stream last;
    /** ROC for the HMAC input, or E||SRTCP index for the AEAD associated data. */
    private final byte[] rocBytes = new byte[4];
    private byte[] scratch = new byte[0];

    private SrtpTransformer(SrtpProfile profile, SrtpMasterKey key) {
        if (key.key().length != profile.keyLength()) {
            throw new IllegalArgumentException(profile + " needs a " + profile.keyLength() + "-byte master key");
        }
        if (key.salt().length != profile.saltLength()) {
            throw new IllegalArgumentException(profile + " needs a " + profile.saltLength() + "-byte master salt");
        }
        this.profile = profile;
        this.mki = key.mki();
        this.rtp = new SessionKeys(profile, key, SessionKeys.RTP_LABELS);
        this.rtcp = new SessionKeys(profile, key, SessionKeys.RTCP_LABELS);
    }

    /** For vectors given as session keys (RFC 7714 16, 17). */
    SrtpTransformer(SrtpProfile profile, SessionKeys rtp, SessionKeys rtcp) {
        this.profile = profile;
        this.mki = new byte[0];
        this.rtp = rtp;
        this.rtcp = rtcp;
    }

    public static SrtpTransformer create(SrtpProfile profile, SrtpMasterKey key) {
        return new SrtpTransformer(profile, key);
    }

    public SrtpProfile profile() {
        return profile;
    }

    /** Bytes {@link #protect} adds to an RTP packet: MKI plus tag. */
    public int rtpOverhead() {
        return mki.length + profile.rtpTagLength();
    }

    /** Bytes {@link #protectRtcp} adds to an RTCP packet: E flag and SRTCP index, MKI, tag. */
    public int rtcpOverhead() {
        return 4 + mki.length + profile.rtcpTagLength();
    }

    /** RTP → SRTP in place; {@code packet} must have {@link #rtpOverhead()} spare bytes after {@code length}. */
    public int protect(byte[] packet, int offset, int length) {
        return run(RTP_PROTECT, packet, offset, length);
    }

    /** SRTP → RTP in place; returns the RTP length. */
    public int unprotect(byte[] packet, int offset, int length) {
        return run(RTP_UNPROTECT, packet, offset, length);
    }

    public int protectRtcp(byte[] packet, int offset, int length) {
        return run(RTCP_PROTECT, packet, offset, length);
    }

    public int unprotectRtcp(byte[] packet, int offset, int length) {
        return run(RTCP_UNPROTECT, packet, offset, length);
    }

    /** In place on the readable bytes; grows the buffer if it has no room for the tag. */
    public SrtpStatus protect(ByteBuf packet) {
        return inPlace(RTP_PROTECT, packet, rtpOverhead());
    }

    /** In place on the readable bytes; on failure the buffer is left as it was. */
    public SrtpStatus unprotect(ByteBuf packet) {
        return inPlace(RTP_UNPROTECT, packet, 0);
    }

    public SrtpStatus protectRtcp(ByteBuf packet) {
        return inPlace(RTCP_PROTECT, packet, rtcpOverhead());
    }

    public SrtpStatus unprotectRtcp(ByteBuf packet) {
        return inPlace(RTCP_UNPROTECT, packet, 0);
    }

    /** Writes the protected form of {@code src}'s readable bytes to {@code target}; {@code src} is not changed. */
    public SrtpStatus protect(ByteBuf src, ByteBuf target) {
        return into(RTP_PROTECT, src, target, rtpOverhead());
    }

    public SrtpStatus unprotect(ByteBuf src, ByteBuf target) {
        return into(RTP_UNPROTECT, src, target, 0);
    }

    public SrtpStatus protectRtcp(ByteBuf src, ByteBuf target) {
        return into(RTCP_PROTECT, src, target, rtcpOverhead());
    }

    public SrtpStatus unprotectRtcp(ByteBuf src, ByteBuf target) {
        return into(RTCP_UNPROTECT, src, target, 0);
    }

    private SrtpStatus inPlace(int op, ByteBuf buf, int growth) {
        if (growth > 0 && (buf.ensureWritable(growth, true) & 1) != 0) {
            return SrtpStatus.BUFFER_TOO_SMALL;
        }
        return process(op, buf, buf.readerIndex(), buf.readableBytes(), growth);
    }

    private SrtpStatus into(int op, ByteBuf src, ByteBuf target, int growth) {
        int length = src.readableBytes();
        if ((target.ensureWritable(length + growth, true) & 1) != 0) {
            return SrtpStatus.BUFFER_TOO_SMALL;
        }
        int start = target.writerIndex();
        target.writeBytes(src, src.readerIndex(), length);
        SrtpStatus status = process(op, target, start, length, growth);
        if (status != SrtpStatus.OK) {
            target.writerIndex(start);
        }
        return status;
    }

    private SrtpStatus process(int op, ByteBuf buf, int start, int length, int growth) {
        int result;
        if (buf.hasArray()) {
            result = run(op, buf.array(), buf.arrayOffset() + start, length);
        } else {
            if (scratch.length < length + growth) {
                scratch = new byte[Math.max(2048, length + growth)];
            }
            buf.getBytes(start, scratch, 0, length);
            result = run(op, scratch, 0, length);
            if (result >= 0) {
                buf.setBytes(start, scratch, 0, result);
            }
        }
        if (result < 0) {
            return SrtpStatus.of(result);
        }
        buf.writerIndex(start + result);
        return SrtpStatus.OK;
    }

    private int run(int op, byte[] b, int off, int len) {
        return switch (op) {
            case RTP_PROTECT -> protectRtp(b, off, len);
            case RTP_UNPROTECT -> unprotectRtp(b, off, len);
            case RTCP_PROTECT -> protectRtcpPacket(b, off, len);
            default -> unprotectRtcpPacket(b, off, len);
        };
    }

    private int protectRtp(byte[] b, int off, int len) {
        int header = rtpHeaderLength(b, off, len);
        if (header < 0) {
            return -SrtpStatus.MALFORMED.code();
        }
        if (b.length - off - len < rtpOverhead()) {
            return -SrtpStatus.BUFFER_TOO_SMALL.code();
        }
        int seq = readShort(b, off + 2);
        int ssrc = readInt(b, off + 8);
        Stream s = stream(ssrc, true);
        if (s == null) {
            return -SrtpStatus.TOO_MANY_STREAMS.code();
        }
        long index;
        if (!s.rtpStarted) {
            index = seq;
            s.rtpStarted = true;
            s.rtpHighest = index;
        } else {
            long roc = estimateRoc(s.rtpHighest, seq);
            if (roc < 0) {
                return -SrtpStatus.TOO_OLD.code();
            }
            index = (roc << 16) | seq;
            if (index > s.rtpHighest) {
                s.rtpHighest = index;
            }
        }
        int end = off + len;
        if (profile.isAead()) {
            // RFC 7714 7, 8: header is the associated data, payload and tag the ciphertext, MKI after the tag.
            rtp.computeAeadIv(ssrc, index);
            if (!rtp.gcm.seal(rtp.iv, b, off, header, rocBytes, 0, b, off + header, len - header)) {
                return -SrtpStatus.REPLAYED.code();
            }
            System.arraycopy(mki, 0, b, end + profile.rtpTagLength(), mki.length);
            return len + rtpOverhead();
        }
        rtp.computeIv(ssrc, index);
        rtp.cipher.apply(rtp.iv, b, off + header, len - header);
        System.arraycopy(mki, 0, b, end, mki.length);
        // RFC 3711 4.2: the tag covers header and encrypted payload, then the ROC; the MKI is not authenticated.
        authenticate(rtp, b, off, len, index >>> 16, true);
        System.arraycopy(rtp.macOut, 0, b, end + mki.length, profile.rtpTagLength());
        return len + rtpOverhead();
    }

    private int unprotectRtp(byte[] b, int off, int len) {
        int payloadEnd = len - rtpOverhead();
        int header = rtpHeaderLength(b, off, payloadEnd);
        if (payloadEnd < 12 || header < 0) {
            return -SrtpStatus.MALFORMED.code();
        }
        if (!mkiMatches(b, off + payloadEnd + (profile.isAead() ? profile.rtpTagLength() : 0))) {
            return -SrtpStatus.MKI_MISMATCH.code();
        }
        int seq = readShort(b, off + 2);
        int ssrc = readInt(b, off + 8);
        Stream s = stream(ssrc, false);
        if (s == null && streamCount == MAX_STREAMS) {
            return -SrtpStatus.TOO_MANY_STREAMS.code();
        }
        long index;
        long delta = 1;
        if (s == null || !s.rtpStarted) {
            // RFC 3711 3.3.1: the first packet sets s_l; SDES signals no ROC, so it starts at 0.
            index = seq;
        } else {
            long roc = estimateRoc(s.rtpHighest, seq);
            if (roc < 0) {
                return -SrtpStatus.TOO_OLD.code();
            }
            index = (roc << 16) | seq;
            delta = index - s.rtpHighest;
            int replay = checkReplay(delta, s.rtpWindow);
            if (replay != 0) {
                return replay;
            }
        }
        if (profile.isAead()) {
            rtp.computeAeadIv(ssrc, index);
            if (!rtp.gcm.open(rtp.iv, b, off, header, rocBytes, 0, b, off + header,
                    payloadEnd - header + profile.rtpTagLength())) {
                return -SrtpStatus.AUTH_FAILED.code();
            }
        } else {
            authenticate(rtp, b, off, payloadEnd, index >>> 16, true);
            if (!tagMatches(rtp.macOut, b, off + payloadEnd + mki.length, profile.rtpTagLength())) {
                return -SrtpStatus.AUTH_FAILED.code();
            }
            rtp.computeIv(ssrc, index);
            rtp.cipher.apply(rtp.iv, b, off + header, payloadEnd - header);
        }
        if (s == null) {
            s = stream(ssrc, true);
        }
        if (!s.rtpStarted) {
            s.rtpStarted = true;
            s.rtpHighest = index;
            s.rtpWindow = 1;
        } else if (delta > 0) {
            s.rtpWindow = delta >= REPLAY_WINDOW ? 1 : (s.rtpWindow << delta) | 1;
            s.rtpHighest = index;
        } else {
            s.rtpWindow |= 1L << -delta;
        }
        return payloadEnd;
    }

    private int protectRtcpPacket(byte[] b, int off, int len) {
        if (len < 8 || (b[off] & 0xC0) != 0x80) {
            return -SrtpStatus.MALFORMED.code();
        }
        if (b.length - off - len < rtcpOverhead()) {
            return -SrtpStatus.BUFFER_TOO_SMALL.code();
        }
        int ssrc = readInt(b, off + 4);
        Stream s = stream(ssrc, true);
        if (s == null) {
            return -SrtpStatus.TOO_MANY_STREAMS.code();
        }
        int index = s.rtcpSendIndex;
        // RFC 3711 3.4: the SRTCP index is 31 bits; a new master key is due before it wraps.
        s.rtcpSendIndex = (index + 1) & 0x7FFFFFFF;
        int end = off + len;
        if (profile.isAead()) {
            // RFC 7714 9: AAD is the first 8 octets plus E||index; the trailer follows the tag.
            writeInt(rocBytes, 0, index | 0x80000000);
            rtcp.computeAeadIv(ssrc, index);
            if (!rtcp.gcm.seal(rtcp.iv, b, off, 8, rocBytes, 4, b, off + 8, len - 8)) {
                return -SrtpStatus.REPLAYED.code();
            }
            int trailer = end + profile.rtcpTagLength();
            writeInt(b, trailer, index | 0x80000000);
            System.arraycopy(mki, 0, b, trailer + 4, mki.length);
            return len + rtcpOverhead();
        }
        rtcp.computeIv(ssrc, index);
        rtcp.cipher.apply(rtcp.iv, b, off + 8, len - 8);
        writeInt(b, end, index | 0x80000000);
        System.arraycopy(mki, 0, b, end + 4, mki.length);
        authenticate(rtcp, b, off, len + 4, 0, false);
        System.arraycopy(rtcp.macOut, 0, b, end + 4 + mki.length, profile.rtcpTagLength());
        return len + rtcpOverhead();
    }

    private int unprotectRtcpPacket(byte[] b, int off, int len) {
        int plainEnd = len - rtcpOverhead();
        // E||index sits after the tag for AEAD (RFC 7714 9), before MKI and tag otherwise (RFC 3711 3.4).
        int indexAt = profile.isAead() ? plainEnd + profile.rtcpTagLength() : plainEnd;
        if (plainEnd < 8 || (b[off] & 0xC0) != 0x80) {
            return -SrtpStatus.MALFORMED.code();
        }
        if (!mkiMatches(b, off + indexAt + 4)) {
            return -SrtpStatus.MKI_MISMATCH.code();
        }
        int ssrc = readInt(b, off + 4);
        int word = readInt(b, off + indexAt);
        boolean encrypted = word < 0;
        long index = word & 0x7FFFFFFFL;
        Stream s = stream(ssrc, false);
        if (s == null && streamCount == MAX_STREAMS) {
            return -SrtpStatus.TOO_MANY_STREAMS.code();
        }
        long delta = 1;
        if (s != null && s.rtcpStarted) {
            delta = index - s.rtcpHighest;
            int replay = checkReplay(delta, s.rtcpWindow);
            if (replay != 0) {
                return replay;
            }
        }
        if (profile.isAead()) {
            rtcp.computeAeadIv(ssrc, index);
            System.arraycopy(b, off + indexAt, rocBytes, 0, 4);
            // RFC 7714 9.3: unencrypted SRTCP is all associated data, with an empty ciphertext.
            int aadLength = encrypted ? 8 : plainEnd;
            if (!rtcp.gcm.open(rtcp.iv, b, off, aadLength, rocBytes, 4, b, off + aadLength,
                    plainEnd - aadLength + profile.rtcpTagLength())) {
                return -SrtpStatus.AUTH_FAILED.code();
            }
        } else {
            // RFC 3711 3.4: the tag covers the RTCP packet, the E flag and the SRTCP index.
            authenticate(rtcp, b, off, indexAt + 4, 0, false);
            if (!tagMatches(rtcp.macOut, b, off + indexAt + 4 + mki.length, profile.rtcpTagLength())) {
                return -SrtpStatus.AUTH_FAILED.code();
            }
            if (encrypted) {
                rtcp.computeIv(ssrc, index);
                rtcp.cipher.apply(rtcp.iv, b, off + 8, indexAt - 8);
            }
        }
        if (s == null) {
            s = stream(ssrc, true);
        }
        if (!s.rtcpStarted) {
            s.rtcpStarted = true;
            s.rtcpHighest = index;
            s.rtcpWindow = 1;
        } else if (delta > 0) {
            s.rtcpWindow = delta >= REPLAY_WINDOW ? 1 : (s.rtcpWindow << delta) | 1;
            s.rtcpHighest = index;
        } else {
            s.rtcpWindow |= 1L << -delta;
        }
        return plainEnd;
    }

    /** RFC 3711 3.3.2: 0 when the index may be accepted, else the negative status. */
    private static int checkReplay(long delta, long window) {
        if (delta > 0) {
            return 0;
        }
        if (-delta >= REPLAY_WINDOW) {
            return -SrtpStatus.TOO_OLD.code();
        }
        if (((window >>> -delta) & 1) != 0) {
            return -SrtpStatus.REPLAYED.code();
        }
        return 0;
    }

    /**
     * RFC 3711 3.3.1 and appendix A: the ROC v of a sequence number, guessed from the highest index seen
     * (s_l and ROC). Returns -1 for a packet from before the first ROC, which cannot be decrypted.
     */
    static long estimateRoc(long highestIndex, int seq) {
        int sl = (int) (highestIndex & 0xFFFF);
        long roc = highestIndex >>> 16;
        if (sl < 32768) {
            return seq - sl > 32768 ? roc - 1 : roc;
        }
        return sl - 32768 > seq ? roc + 1 : roc;
    }

    private void authenticate(SessionKeys keys, byte[] b, int off, int len, long roc, boolean withRoc) {
        keys.mac.update(b, off, len);
        if (withRoc) {
            writeInt(rocBytes, 0, (int) roc);
            keys.mac.update(rocBytes, 0, 4);
        }
        keys.mac.doFinal(keys.macOut, 0);
    }

    private static boolean tagMatches(byte[] expected, byte[] b, int at, int length) {
        int diff = 0;
        for (int i = 0; i < length; i++) {
            diff |= expected[i] ^ b[at + i];
        }
        return diff == 0;
    }

    private boolean mkiMatches(byte[] b, int at) {
        int diff = 0;
        for (int i = 0; i < mki.length; i++) {
            diff |= mki[i] ^ b[at + i];
        }
        return diff == 0;
    }

    /** Fixed header, CSRCs and header extension (RFC 3550 5.1, 5.3.1): all sent in the clear. */
    private static int rtpHeaderLength(byte[] b, int off, int len) {
        if (len < 12 || (b[off] & 0xC0) != 0x80) {
            return -1;
        }
        int header = 12 + 4 * (b[off] & 0x0F);
        if ((b[off] & 0x10) != 0) {
            if (header + 4 > len) {
                return -1;
            }
            header += 4 + 4 * readShort(b, off + header + 2);
        }
        return header <= len ? header : -1;
    }

    private Stream stream(int ssrc, boolean create) {
        if (last != null && last.ssrc == ssrc) {
            return last;
        }
        for (int i = 0; i < streamCount; i++) {
            if (streams[i].ssrc == ssrc) {
                last = streams[i];
                return last;
            }
        }
        if (!create || streamCount == MAX_STREAMS) {
            return null;
        }
        Stream s = new Stream(ssrc);
        streams[streamCount++] = s;
        last = s;
        return s;
    }

    private static int readShort(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** The RFC 3711 3.2.3 per-SSRC part of the cryptographic context. */
    private static final class Stream {
        final int ssrc;
        boolean rtpStarted;
        long rtpHighest;
        long rtpWindow;
        boolean rtcpStarted;
        long rtcpHighest;
        long rtcpWindow;
        int rtcpSendIndex;

        Stream(int ssrc) {
            this.ssrc = ssrc;
        }
    }
}
