//! The App's private key and the JWTs it signs.

use crate::GithubError;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};

/// A GitHub App's RSA private key (the PEM GitHub hands out: PKCS#1 `RSA PRIVATE KEY`, or
/// PKCS#8 `PRIVATE KEY`).
pub struct AppKey {
    pair: RsaKeyPair,
}

impl std::fmt::Debug for AppKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppKey([redacted])")
    }
}

impl AppKey {
    pub fn from_pem(pem: &str) -> Result<AppKey, GithubError> {
        let (label, der) =
            pem_body(pem).ok_or_else(|| GithubError::Key("not a PEM block".into()))?;
        let der = zeroize::Zeroizing::new(der);
        let pair = match label.as_str() {
            "RSA PRIVATE KEY" => RsaKeyPair::from_der(&der),
            "PRIVATE KEY" => RsaKeyPair::from_pkcs8(&der),
            other => {
                return Err(GithubError::Key(format!(
                    "a {other} is not an RSA private key"
                )))
            }
        }
        .map_err(|e| GithubError::Key(e.to_string()))?;
        Ok(AppKey { pair })
    }

    /// The public half (DER `RSAPublicKey`), to verify signatures with.
    pub fn public_key_der(&self) -> Vec<u8> {
        use ring::signature::KeyPair;
        self.pair.public_key().as_ref().to_vec()
    }

    /// The App JWT for `issuer` (the client id, or the app id) at Unix time `now`: valid from
    /// 60 s ago (clock drift) for 9 minutes (GitHub allows at most 10).
    pub fn jwt(&self, issuer: &str, now: i64) -> Result<String, GithubError> {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
        let claims = serde_json::json!({"iat": now - 60, "exp": now + 540, "iss": issuer});
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let message = format!("{header}.{claims}");
        let mut signature = vec![0; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &ring::rand::SystemRandom::new(),
                message.as_bytes(),
                &mut signature,
            )
            .map_err(|e| GithubError::Key(e.to_string()))?;
        Ok(format!("{message}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }
}

/// The label and decoded body of the first PEM block.
fn pem_body(pem: &str) -> Option<(String, Vec<u8>)> {
    let start = pem.find("-----BEGIN ")?;
    let rest = &pem[start + 11..];
    let label_end = rest.find("-----")?;
    let label = rest[..label_end].to_string();
    let end_marker = format!("-----END {label}-----");
    let body_start = label_end + 5;
    let body_end = rest.find(&end_marker)?;
    let body: String = rest[body_start..body_end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    Some((label, STANDARD.decode(body).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_keys_are_clear_errors() {
        assert!(AppKey::from_pem("nothing").is_err());
        let wrong = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
        let error = AppKey::from_pem(wrong).unwrap_err().to_string();
        assert!(error.contains("not an RSA private key"), "{error}");
        let garbage = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert!(AppKey::from_pem(garbage).is_err());
    }
}
