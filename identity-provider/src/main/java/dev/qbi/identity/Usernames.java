package dev.qbi.identity;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The one form of a username the pool stores and looks up: Unicode NFKC, then lower case with
 * {@link Locale#ROOT}. So {@code é} typed composed or decomposed, {@code Alice} and {@code alice},
 * or a full-width {@code ａ} and {@code a} name one account (as a case-insensitive Cognito pool).
 */
final class Usernames {
  private Usernames() {}

  /** The normalised form of {@code username} ({@code null} stays {@code null}). */
  static String normalize(String username) {
    if (username == null) {
      return null;
    }
    String lower = Normalizer.normalize(username, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    // lower-casing can leave a sequence NFKC would compose (e.g. the dotted capital I): once more
    return Normalizer.normalize(lower, Normalizer.Form.NFKC);
  }
}
