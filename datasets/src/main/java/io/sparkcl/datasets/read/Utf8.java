package io.sparkcl.datasets.read;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 decoding: Spark and {@code new String(bytes, UTF_8)} silently replace bad bytes; this does not. */
final class Utf8 {
    private Utf8() {
    }

    /** The decoded text, or null when the bytes are not valid UTF-8. */
    static String decodeStrict(byte[] bytes, int offset, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes, offset, length)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Byte offset of the first invalid sequence (for error messages); -1 when valid. */
    static int firstInvalidOffset(byte[] bytes, int offset, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(length + 1);
        java.nio.charset.CoderResult r = decoder.decode(in, out, true);
        return r.isError() ? in.position() - offset : -1;
    }

    static String decodeLossy(byte[] bytes, int offset, int length) {
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }

    static String base64(byte[] bytes, int offset, int length) {
        return java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(bytes, offset, offset + length));
    }
}
