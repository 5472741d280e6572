package dev.qbi.identity;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a sign-up confirmation code, which Cognito would send by email. The default writes it to
 * the server log: the one secret the local runtime deliberately shows, because the log is the local
 * stand-in for the user's mailbox.
 */
@FunctionalInterface
public interface ConfirmationCodeSink {

  void deliver(String username, CodeDeliveryDetails details, String code);

  /** Writes the code to the log at INFO, as the email would carry it. */
  static ConfirmationCodeSink log() {
    Logger log = LoggerFactory.getLogger(ConfirmationCodeSink.class);
    return (username, details, code) ->
        log.info(
            "Confirmation code for user {}: {} (the local stand-in for the email to {})",
            username,
            code,
            details.destination());
  }
}
