package dev.qbi.adapters.aws.testing;

import org.apache.catalina.connector.Connector;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Added to S3Mock's Spring context (property {@code spring.main.sources}) by {@link LocalS3}: binds
 * S3Mock's plain-HTTP Tomcat connector, which ignores {@code server.address}, to 127.0.0.1.
 */
public final class S3MockLoopback implements BeanPostProcessor {

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    if (bean instanceof Connector connector && !connector.setProperty("address", "127.0.0.1")) {
      throw new IllegalStateException(
          "cannot bind S3Mock's connector " + beanName + " to loopback");
    }
    return bean;
  }
}
