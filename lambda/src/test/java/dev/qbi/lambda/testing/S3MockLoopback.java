package dev.qbi.lambda.testing;

import org.apache.catalina.connector.Connector;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Added to S3Mock's Spring context by {@link LocalS3}: its plain-HTTP Tomcat connector ignores
 * {@code server.address}, so bind it to 127.0.0.1 here.
 */
public final class S3MockLoopback implements BeanPostProcessor {

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    if (bean instanceof Connector connector && !connector.setProperty("address", "127.0.0.1")) {
      throw new IllegalStateException("cannot bind S3Mock connector " + beanName + " to loopback");
    }
    return bean;
  }
}
