package dev.qbi.identity;

/**
 * Cognito's default password policy: at least 8 characters with an upper-case letter, a lower-case
 * letter, a digit and a symbol from Cognito's list (a space inside the password counts as one).
 */
final class PasswordPolicy {
  static final int MIN_LENGTH = 8;
  static final int MAX_LENGTH = 256;
  private static final String SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-";

  private PasswordPolicy() {}

  /**
   * @throws CognitoException {@code InvalidParameterException} for a password Cognito's API would
   *     not accept at all, {@code InvalidPasswordException} for one the policy refuses
   */
  static void check(String password) {
    if (password == null || password.isEmpty()) {
      throw CognitoException.invalidParameter("Missing required parameter PASSWORD");
    }
    if (password.length() > MAX_LENGTH) {
      throw CognitoException.invalidParameter(
          "1 validation error detected: Value at 'password' failed to satisfy constraint: "
              + "Member must have length less than or equal to 256");
    }
    if (Character.isWhitespace(password.charAt(0))
        || Character.isWhitespace(password.charAt(password.length() - 1))) {
      throw CognitoException.invalidParameter(
          "1 validation error detected: Value at 'password' failed to satisfy constraint: "
              + "Member must not start or end with whitespace");
    }
    if (password.length() < MIN_LENGTH) {
      throw CognitoException.invalidPassword("Password not long enough");
    }
    boolean upper = false;
    boolean lower = false;
    boolean digit = false;
    boolean symbol = false;
    for (int i = 0; i < password.length(); i++) {
      char c = password.charAt(i);
      upper |= c >= 'A' && c <= 'Z';
      lower |= c >= 'a' && c <= 'z';
      digit |= c >= '0' && c <= '9';
      symbol |= c == ' ' || SYMBOLS.indexOf(c) >= 0;
    }
    if (!lower) {
      throw CognitoException.invalidPassword("Password must have lowercase characters");
    }
    if (!upper) {
      throw CognitoException.invalidPassword("Password must have uppercase characters");
    }
    if (!digit) {
      throw CognitoException.invalidPassword("Password must have numeric characters");
    }
    if (!symbol) {
      throw CognitoException.invalidPassword("Password must have symbol characters");
    }
  }
}
