package dev.qbi.identity;

/**
 * Where a confirmation code went, as Cognito reports it: a masked destination, the medium and the
 * attribute. Locally the "email" is the server log (see {@link ConfirmationCodeSink}).
 */
public record CodeDeliveryDetails(
    String destination, String deliveryMedium, String attributeName) {}
