package dev.qbi.runtime.local.api;

import dev.qbi.core.usecase.SubmitJob;
import java.nio.charset.StandardCharsets;

/** The SQS {@code SendMessageResponse} document the original API answers a submit with. */
final class SendMessageResponseXml {
  private SendMessageResponseXml() {}

  static byte[] render(SubmitJob.Receipt receipt) {
    // every value is a UUID or hex digest: nothing to escape
    String xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<SendMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
            + "<SendMessageResult><MessageId>"
            + receipt.messageId()
            + "</MessageId><MD5OfMessageBody>"
            + receipt.md5OfMessageBody()
            + "</MD5OfMessageBody></SendMessageResult><ResponseMetadata><RequestId>"
            + receipt.requestId()
            + "</RequestId></ResponseMetadata></SendMessageResponse>";
    return xml.getBytes(StandardCharsets.UTF_8);
  }
}
