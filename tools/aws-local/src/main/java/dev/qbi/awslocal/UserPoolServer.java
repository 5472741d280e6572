package dev.qbi.awslocal;

import dev.qbi.identity.IdentitySettings;
import dev.qbi.identity.LocalIdentityProvider;
import dev.qbi.runtime.local.api.AdminAccess;
import dev.qbi.runtime.local.api.AdminCredentials;
import dev.qbi.runtime.local.identity.CognitoService;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The local user pool as the Cognito stand-in: {@link LocalIdentityProvider} in {@code dataDir},
 * its Cognito-protocol routes ({@link CognitoService}: SignUp, InitiateAuth, the JWKS at {@code
 * <issuer>/.well-known/jwks.json}, ...) on 127.0.0.1. The {@code Admin*} actions need requests
 * signed with the admin key pair {@code <dataDir>/admin-credentials}, as on the local server.
 */
final class UserPoolServer implements AutoCloseable {

  private final LocalIdentityProvider idp;
  private final WebServer web;
  private final Path adminCredentials;

  private UserPoolServer(LocalIdentityProvider idp, WebServer web, Path adminCredentials) {
    this.idp = idp;
    this.web = web;
    this.adminCredentials = adminCredentials;
  }

  static UserPoolServer start(Path dataDir, int port, int passwordIterations) {
    Clock clock = Clock.systemUTC();
    Path dir = dataDir.toAbsolutePath().normalize();
    IdentitySettings settings =
        IdentitySettings.defaults("127.0.0.1", port).withPasswordIterations(passwordIterations);
    AdminAccess admin = AdminAccess.sigV4(AdminCredentials.loadOrCreate(dir), clock);
    LocalIdentityProvider idp = LocalIdentityProvider.open(dir, settings, clock);
    try {
      HttpRouting.Builder routing =
          HttpRouting.builder().register(CognitoService.create(idp, admin));
      WebServer web = WebServer.builder().host("127.0.0.1").port(port).routing(routing).build();
      web.start();
      return new UserPoolServer(idp, web, dir.resolve(AdminCredentials.FILE));
    } catch (RuntimeException e) {
      idp.close();
      throw e;
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + web.port());
  }

  String issuer() {
    return idp.issuer();
  }

  String poolId() {
    return idp.poolId();
  }

  String clientId() {
    return idp.clientId();
  }

  Path adminCredentials() {
    return adminCredentials;
  }

  @Override
  public void close() {
    try {
      web.stop();
    } finally {
      idp.close();
    }
  }
}
