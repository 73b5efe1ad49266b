//! # The profile's `[new.oauth]` table and the endpoints derived from it
//!
//! An IT centre writes only its tenant and the client (application) id of the public client
//! app it registered; the Microsoft identity platform's URLs follow from those. `authority`
//! exists for national clouds and for tests against a loopback authorization server.

use serde::{Deserialize, Serialize};

pub const MICROSOFT_AUTHORITY: &str = "https://login.microsoftonline.com";

/// Scopes for mail on Exchange Online; `offline_access` asks for a refresh token.
pub const DEFAULT_SCOPES: [&str; 4] = [
    "https://outlook.office.com/IMAP.AccessAsUser.All",
    "https://outlook.office.com/POP.AccessAsUser.All",
    "https://outlook.office.com/SMTP.Send",
    "offline_access",
];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OAuthSettings {
    /// Directory (tenant) id or a verified domain, e.g. `example-univ.ac.jp`;
    /// `organizations` lets any work or school account sign in.
    pub tenant: String,
    /// Application (client) id of the IT centre's public client app registration.
    pub client_id: String,
    /// Identity platform base URL; default `https://login.microsoftonline.com`.
    pub authority: Option<String>,
    /// Scopes to ask for; default IMAP, POP, SMTP and offline_access on outlook.office.com.
    pub scopes: Option<Vec<String>>,
}

/// The URLs of one tenant on one authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub authority: String,
    pub device_authorization: String,
    pub token: String,
}

impl OAuthSettings {
    pub fn scopes(&self) -> Vec<String> {
        self.scopes
            .clone()
            .unwrap_or_else(|| DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect())
    }

    pub fn authority(&self) -> &str {
        self.authority
            .as_deref()
            .unwrap_or(MICROSOFT_AUTHORITY)
            .trim_end_matches('/')
    }

    /// `{authority}/{tenant}/oauth2/v2.0/devicecode` and `.../token`, after checking every
    /// part; the problems are worded for `profile check`.
    pub fn endpoints(&self) -> Result<Endpoints, String> {
        let problems = self.problems();
        if let Some((_, problem, _)) = problems.first() {
            return Err(problem.clone());
        }
        let authority = self.authority().to_string();
        let tenant = self.tenant.trim();
        Ok(Endpoints {
            device_authorization: format!("{authority}/{tenant}/oauth2/v2.0/devicecode"),
            token: format!("{authority}/{tenant}/oauth2/v2.0/token"),
            authority,
        })
    }

    /// Every problem as (key under `oauth.`, problem, fix).
    pub fn problems(&self) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        let tenant = self.tenant.trim();
        if tenant.is_empty()
            || !tenant
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        {
            out.push((
                "tenant".into(),
                format!("`{}` is not a tenant id or domain", self.tenant),
                "write the directory (tenant) id from Entra ID, e.g. tenant = \"0f1e2d3c-...\", or the domain, e.g. tenant = \"example-univ.ac.jp\"".into(),
            ));
        }
        let client_id = self.client_id.trim();
        let microsoft = self.authority.is_none()
            || self
                .authority
                .as_deref()
                .is_some_and(|a| a.contains("login.microsoftonline."));
        let client_ok = if microsoft {
            is_guid(client_id)
        } else {
            !client_id.is_empty() && !client_id.contains(char::is_whitespace)
        };
        if !client_ok {
            out.push((
                "client_id".into(),
                format!("`{}` is not an application (client) id", self.client_id),
                "copy the Application (client) ID of the app registration, e.g. client_id = \"1b2c3d4e-0000-1111-2222-333344445555\"".into(),
            ));
        }
        let authority = self.authority();
        let secure = authority.starts_with("https://")
            || ["http://127.0.0.1", "http://localhost", "http://[::1]"]
                .iter()
                .any(|p| authority.starts_with(p));
        if !secure || oauth2::url::Url::parse(authority).is_err() {
            out.push((
                "authority".into(),
                format!("`{authority}` is not an https:// URL"),
                "leave authority out for Microsoft 365 (https://login.microsoftonline.com); plain http is accepted only on loopback for tests".into(),
            ));
        }
        if let Some(scopes) = &self.scopes
            && (scopes.is_empty() || scopes.iter().any(|s| s.trim().is_empty()))
        {
            out.push((
                "scopes".into(),
                "empty scope list or empty scope".into(),
                "leave scopes out to use IMAP, POP, SMTP and offline_access".into(),
            ));
        }
        out
    }
}

fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(tenant: &str, client_id: &str, authority: Option<&str>) -> OAuthSettings {
        OAuthSettings {
            tenant: tenant.into(),
            client_id: client_id.into(),
            authority: authority.map(str::to_string),
            scopes: None,
        }
    }

    #[test]
    fn microsoft_endpoints_from_tenant() {
        let s = settings(
            "example-univ.ac.jp",
            "1b2c3d4e-0000-1111-2222-333344445555",
            None,
        );
        let e = s.endpoints().expect("valid");
        assert_eq!(
            e.device_authorization,
            "https://login.microsoftonline.com/example-univ.ac.jp/oauth2/v2.0/devicecode"
        );
        assert_eq!(
            e.token,
            "https://login.microsoftonline.com/example-univ.ac.jp/oauth2/v2.0/token"
        );
        assert!(s.scopes().contains(&"offline_access".to_string()));
    }

    #[test]
    fn bad_values_are_named() {
        let s = settings("a b", "not-a-guid", Some("http://idp.example"));
        let keys: Vec<_> = s.problems().into_iter().map(|p| p.0).collect();
        assert_eq!(keys, ["tenant", "authority"]);
        let s = settings("common", "not-a-guid", None);
        let keys: Vec<_> = s.problems().into_iter().map(|p| p.0).collect();
        assert_eq!(keys, ["client_id"]);
        let s = settings("common", "x", Some("http://127.0.0.1:8080/"));
        assert!(s.problems().is_empty());
        assert_eq!(
            s.endpoints().expect("ok").token,
            "http://127.0.0.1:8080/common/oauth2/v2.0/token"
        );
    }
}
