package dev.qbi.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** Builds Cognito-shaped tokens for the verifier tests. */
final class TestTokens {
  static final String ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Test";
  static final String CLIENT_ID = "test-client";
  static final String SUB = "4f1c2d3e-0000-4000-8000-000000000001";

  private TestTokens() {}

  static RSAKey newKey(String kid) {
    try {
      return new RSAKeyGenerator(2048).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static JWTClaimsSet.Builder idClaims(Instant now) {
    return new JWTClaimsSet.Builder()
        .subject(SUB)
        .audience(CLIENT_ID)
        .issuer(ISSUER)
        .claim("token_use", "id")
        .claim("cognito:username", "alice")
        .claim("cognito:groups", List.of("admins", "users"))
        .claim("auth_time", now.getEpochSecond())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(3600)))
        .jwtID(UUID.randomUUID().toString());
  }

  static JWTClaimsSet.Builder accessClaims(Instant now) {
    return new JWTClaimsSet.Builder()
        .subject(SUB)
        .issuer(ISSUER)
        .claim("client_id", CLIENT_ID)
        .claim("token_use", "access")
        .claim("scope", "aws.cognito.signin.user.admin")
        .claim("username", "alice")
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(3600)))
        .jwtID(UUID.randomUUID().toString());
  }

  static String sign(RSAKey key, JWTClaimsSet claims) {
    return sign(new RSASSASigner(privateKey(key)), JWSAlgorithm.RS256, key.getKeyID(), claims);
  }

  static String sign(JWSSigner signer, JWSAlgorithm alg, String kid, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  static String idToken(RSAKey key, Instant now, UnaryOperator<JWTClaimsSet.Builder> change) {
    return sign(key, change.apply(idClaims(now)).build());
  }

  private static PrivateKey privateKey(RSAKey key) {
    try {
      return key.toPrivateKey();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
