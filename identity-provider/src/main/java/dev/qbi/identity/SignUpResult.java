package dev.qbi.identity;

/**
 * The answer to SignUp: the new user's {@code sub}, whether it is confirmed, where the code went.
 */
public record SignUpResult(
    String userSub, boolean userConfirmed, CodeDeliveryDetails codeDeliveryDetails) {}
