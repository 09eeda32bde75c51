package dev.dialtone.engine.cxml;

/** The codecs a {@code <Sip codecs>} list may name (seed 002: "Select from PCMU, PCMA, G722, G729, and OPUS"). */
public enum Codec {
    PCMU, PCMA, G722, G729, OPUS
}
