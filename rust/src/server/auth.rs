//! API keys with roles: the one implementation both transports call.
//!
//! A caller sends `authorization: Bearer <key>`. Only SHA-256 digests of the
//! configured keys are kept; a presented key is compared with every digest in
//! constant time, so the time taken does not say which key (if any) matched.
//! No key is ever logged or echoed in an error.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::call::{Service, Status};
use crate::error::CoreError;

/// The shortest key accepted (characters).
pub const MIN_KEY_CHARS: usize = 16;

/// What a key may call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `AdScoring` (Score, Chat) and `Diagnostics.Echo`.
    Exchange,
    /// Everything an exchange may call, plus `Catalog` and `Privacy`.
    Admin,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Exchange, Role::Admin];

    pub fn name(self) -> &'static str {
        match self {
            Role::Exchange => "exchange",
            Role::Admin => "admin",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }

    /// Whether this role may call `service` (health and reflection are open
    /// and never reach this check).
    pub fn may_call(self, service: Service) -> bool {
        match service {
            Service::AdScoring | Service::Diagnostics => true,
            Service::Catalog | Service::Privacy => self == Role::Admin,
        }
    }
}

/// Digests of the configured keys and the role of each. Empty: no key is
/// required (the settings then only allow loopback addresses).
#[derive(Clone, Debug, Default)]
pub struct ApiKeys {
    entries: Vec<([u8; 32], Role)>,
}

fn digest(key: &[u8]) -> [u8; 32] {
    Sha256::digest(key).into()
}

impl ApiKeys {
    /// Keys from `(role, key)` pairs; an unknown role or a short key is refused
    /// with a message that names the entry, never the key.
    pub fn new<'a>(
        entries: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, CoreError> {
        let mut out = Vec::new();
        for (n, (role_name, key)) in entries.into_iter().enumerate() {
            let n = n + 1;
            let role = Role::parse(role_name).ok_or_else(|| {
                CoreError::invalid(
                    format!("api key #{n}"),
                    format!("unknown role '{role_name}' (expected one of exchange, admin)"),
                )
            })?;
            if key.chars().count() < MIN_KEY_CHARS || key.chars().any(char::is_whitespace) {
                return Err(CoreError::invalid(
                    format!("api key #{n} ({role_name})"),
                    format!("must be at least {MIN_KEY_CHARS} characters, without spaces"),
                ));
            }
            out.push((digest(key.as_bytes()), role));
        }
        Ok(Self { entries: out })
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// How many keys each role has (for the start-up log line).
    pub fn count(&self, role: Role) -> usize {
        self.entries.iter().filter(|(_, r)| *r == role).count()
    }

    /// The role of `key`, or None. Every digest is compared.
    pub fn role_of(&self, key: &[u8]) -> Option<Role> {
        let presented = digest(key);
        let mut found = None;
        for (known, role) in &self.entries {
            if bool::from(known.ct_eq(&presented)) {
                found = Some(*role);
            }
        }
        found
    }

    /// Admits or refuses a call to `service` given its `authorization`
    /// metadata value: UNAUTHENTICATED (no or unknown key) or
    /// PERMISSION_DENIED (a role that may not call the service).
    pub fn check(&self, service: Service, authorization: Option<&[u8]>) -> Result<(), Status> {
        if self.is_empty() {
            return Ok(());
        }
        let Some(token) = authorization.and_then(bearer_token) else {
            return Err(Status::unauthenticated(
                "missing 'authorization: Bearer <key>'",
            ));
        };
        let Some(role) = self.role_of(token) else {
            return Err(Status::unauthenticated("unknown API key"));
        };
        if !role.may_call(service) {
            return Err(Status::permission_denied(format!(
                "role '{}' may not call {}",
                role.name(),
                service.name()
            )));
        }
        Ok(())
    }
}

/// The key of an `authorization: Bearer <key>` value (scheme case-insensitive).
pub fn bearer_token(value: &[u8]) -> Option<&[u8]> {
    let value = value.trim_ascii();
    let split = value.iter().position(|b| *b == b' ')?;
    let (scheme, rest) = value.split_at(split);
    let token = rest.trim_ascii();
    (scheme.eq_ignore_ascii_case(b"bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXCHANGE: &str = "exchange-key-0123456789";
    const ADMIN: &str = "admin-key-0123456789abc";

    fn keys() -> ApiKeys {
        ApiKeys::new([("exchange", EXCHANGE), ("admin", ADMIN)]).unwrap()
    }

    #[test]
    fn roles_per_service() {
        let k = keys();
        let ex = format!("Bearer {EXCHANGE}");
        let ad = format!("bearer  {ADMIN} ");
        assert!(k.check(Service::AdScoring, Some(ex.as_bytes())).is_ok());
        assert!(k.check(Service::Diagnostics, Some(ex.as_bytes())).is_ok());
        let denied = k.check(Service::Catalog, Some(ex.as_bytes())).unwrap_err();
        assert_eq!(denied.code, tonic::Code::PermissionDenied);
        assert!(denied.message.contains("chatads.v1.Catalog"));
        for s in [Service::AdScoring, Service::Catalog, Service::Privacy] {
            assert!(k.check(s, Some(ad.as_bytes())).is_ok());
        }
    }

    #[test]
    fn missing_unknown_and_malformed_keys() {
        let k = keys();
        for header in [
            None,
            Some(&b"Basic abc"[..]),
            Some(b"Bearer"),
            Some(b"Bearer   "),
        ] {
            let e = k.check(Service::AdScoring, header).unwrap_err();
            assert_eq!(e.code, tonic::Code::Unauthenticated);
        }
        let e = k
            .check(Service::AdScoring, Some(b"Bearer not-a-key-at-all-xx"))
            .unwrap_err();
        assert_eq!(e.message, "unknown API key");
        assert!(ApiKeys::default().check(Service::Privacy, None).is_ok());
    }

    #[test]
    fn bad_entries_name_the_entry_not_the_key() {
        let e = ApiKeys::new([("exchange", EXCHANGE), ("root", ADMIN)]).unwrap_err();
        assert!(e.to_string().contains("api key #2") && !e.to_string().contains(ADMIN));
        let e = ApiKeys::new([("admin", "short")]).unwrap_err();
        assert!(e.to_string().contains("at least 16") && !e.to_string().contains("short\""));
    }
}
