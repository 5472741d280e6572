package dev.qbi.runtime.local.tls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM text: {@code -----BEGIN TYPE-----}, base64 of DER in 64-column lines, {@code END}. */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

  private Pem() {}

  static String encode(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  /** The DER bytes of the first block of {@code type} in {@code text}. */
  static Optional<byte[]> first(String text, String type) {
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(type)) {
        try {
          return Optional.of(Base64.getMimeDecoder().decode(m.group(2)));
        } catch (IllegalArgumentException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /** The DER bytes of every block of {@code type} in {@code text}, in order. */
  static List<byte[]> all(String text, String type) {
    List<byte[]> found = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(type)) {
        try {
          found.add(Base64.getMimeDecoder().decode(m.group(2)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("a " + type + " block is not valid base64", e);
        }
      }
    }
    return found;
  }

  /** The type of the first PEM block in {@code text} ({@code PRIVATE KEY}, ...), if any. */
  static Optional<String> firstType(String text) {
    Matcher m = BLOCK.matcher(text);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
