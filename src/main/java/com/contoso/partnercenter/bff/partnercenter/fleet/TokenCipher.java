package com.contoso.partnercenter.bff.partnercenter.fleet;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens at rest in Redis: AES-256-GCM with the fleet's key ({@code partner-center.fleet.token-key}), a fresh
 * random 12-byte IV for every value and a 128-bit tag, so a value read from Redis is the one a replica wrote or
 * is refused. Also fingerprints (HMAC-SHA256) to recognise a configured token without storing it.
 */
public final class TokenCipher {

    public static final String PROPERTY = "partner-center.fleet.token-key";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecretKeySpec fingerprintKey;
    private final SecureRandom random = new SecureRandom();

    public TokenCipher(String base64Key) {
        byte[] bytes = decode(base64Key);
        this.key = new SecretKeySpec(bytes, "AES");
        this.fingerprintKey = new SecretKeySpec(bytes, "HmacSHA256");
    }

    /** A key of this replica's own, for tokens kept in its memory only: it never leaves the process. */
    public static TokenCipher ofThisReplica() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new TokenCipher(Base64.getEncoder().encodeToString(key));
    }

    // Its form (base64 of 32 bytes) is one of the settings' constraints, checked at the start.
    private static byte[] decode(String base64Key) {
        return Base64.getDecoder().decode(base64Key.strip());
    }

    public String encrypt(String plain) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder()
                    .encodeToString(ByteBuffer.allocate(iv.length + sealed.length)
                            .put(iv)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The plain text, or {@code null} for a value this key did not write (another key, or tampered with). */
    public String decrypt(String sealed) {
        try {
            byte[] bytes = Base64.getDecoder().decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
            return new String(cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Recognises a secret without keeping it: HMAC-SHA256 under the fleet's key, hex. */
    public String fingerprint(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(fingerprintKey);
            return HexFormat.of().formatHex(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
