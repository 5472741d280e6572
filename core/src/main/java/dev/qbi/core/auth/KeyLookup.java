package dev.qbi.core.auth;

import com.nimbusds.jose.jwk.JWK;
import java.util.Optional;

/** Finds the issuer's public key for a key id. */
interface KeyLookup {
  Optional<JWK> find(String kid);
}
