//! # Admin access for `ikou batch`: every mailbox without the users' passwords
//!
//! The `[old.admin]` / `[new.admin]` tables of an IT centre's own profile: a master user on
//! the legacy server (Dovecot `user*master`, or SASL PLAIN with an authorization identity as
//! Dovecot and Cyrus take it), and for Exchange Online an application token
//! (`IMAP.AccessAsApp`, client-credentials grant) or a delegated helpdesk account with a
//! master-user style login. Secrets come from the environment or a command, never the file.

use serde::{Deserialize, Serialize};

/// How the admin signs in on behalf of a mailbox owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdminMethod {
    /// LOGIN as `<owner><separator><user>` with the admin's password (Dovecot master users).
    MasterUser,
    /// AUTHENTICATE PLAIN with authzid = owner, authcid = `user` (Dovecot master users,
    /// Cyrus `admins`/`proxyservers`).
    SaslPlain,
    /// One application access token for every mailbox, sent with XOAUTH2 as the owner
    /// (Exchange Online `IMAP.AccessAsApp`); from `token_env` or `token_command`.
    AppToken,
    /// Like `app-token`, with ikou fetching the token itself by the OAuth 2.0
    /// client-credentials grant (`tenant`, `client_id`, client secret from env or command).
    ClientCredentials,
}

/// The `[old.admin]` / `[new.admin]` table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AdminAccess {
    pub method: AdminMethod,
    /// The admin's own login name (master user / admin / helpdesk account).
    pub user: Option<String>,
    /// Between owner and master user for `master-user`; Dovecot's default is `*`.
    pub separator: Option<String>,
    /// Environment variable with the admin password (default `IKOU_OLD_ADMIN_PASSWORD` /
    /// `IKOU_NEW_ADMIN_PASSWORD`).
    pub password_env: Option<String>,
    /// Command printing the admin password.
    pub password_command: Option<String>,
    /// Environment variable with an application token (default `IKOU_NEW_ADMIN_TOKEN`).
    pub token_env: Option<String>,
    /// Command printing an application token.
    pub token_command: Option<String>,
    /// Directory (tenant) id or domain, for `client-credentials`.
    pub tenant: Option<String>,
    /// Application (client) id of the confidential app, for `client-credentials`.
    pub client_id: Option<String>,
    /// Environment variable with the client secret (default `IKOU_NEW_CLIENT_SECRET`).
    pub client_secret_env: Option<String>,
    /// Command printing the client secret.
    pub client_secret_command: Option<String>,
    /// Identity platform base URL (default `https://login.microsoftonline.com`).
    pub authority: Option<String>,
    /// Scope to ask for (default `https://outlook.office365.com/.default`).
    pub scope: Option<String>,
}

/// The scope an app asks for to use its `IMAP.AccessAsApp` permission on Exchange Online.
pub const APP_SCOPE: &str = "https://outlook.office365.com/.default";

impl AdminAccess {
    pub fn separator(&self) -> &str {
        self.separator.as_deref().unwrap_or("*")
    }
}

/// What `profile check` says about an `[old.admin]` / `[new.admin]` table.
pub(super) fn problems(side: &str, admin: &AdminAccess) -> Vec<super::Problem> {
    let mut out = Vec::new();
    let mut problem = |key: &str, problem: &str, fix: &str| {
        out.push(super::Problem {
            key: format!("{side}.admin.{key}"),
            problem: problem.into(),
            fix: fix.into(),
            ja: None,
        });
    };
    match admin.method {
        AdminMethod::MasterUser | AdminMethod::SaslPlain => {
            if admin.user.as_deref().is_none_or(|u| u.trim().is_empty()) {
                problem(
                    "user",
                    "no admin login name",
                    "write user = \"...\" (the Dovecot master user or Cyrus proxy user)",
                );
            }
            if admin.method == AdminMethod::MasterUser && admin.separator().is_empty() {
                problem(
                    "separator",
                    "the separator is empty",
                    "leave it out for Dovecot's default \"*\" or write auth_master_user_separator's value",
                );
            }
        }
        AdminMethod::AppToken => {}
        AdminMethod::ClientCredentials => {
            let settings = crate::oauth::OAuthSettings {
                tenant: admin.tenant.clone().unwrap_or_default(),
                client_id: admin.client_id.clone().unwrap_or_default(),
                authority: admin.authority.clone(),
                scopes: None,
            };
            for (key, p, fix) in settings.problems() {
                problem(&key, &p, &fix);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::Profile;

    fn parse(old_admin: &str, new_admin: &str) -> Result<Profile, Vec<String>> {
        let text = format!(
            "[old]\nhost = \"old.example.ac.jp\"\nimap = {{ port = 993, security = \"tls\" }}\n[old.admin]\n{old_admin}\n[new]\nhost = \"outlook.office365.com\"\nimap = {{ port = 993, security = \"tls\" }}\n[new.admin]\n{new_admin}\n"
        );
        Profile::parse(&text, std::path::Path::new("it.toml"))
            .map_err(|e| e.problems().iter().map(|p| p.key.clone()).collect())
    }

    #[test]
    fn admin_tables_are_checked() {
        let p = parse(
            "method = \"master-user\"\nuser = \"helpdesk\"",
            "method = \"client-credentials\"\ntenant = \"example.ac.jp\"\nclient_id = \"1b2c3d4e-0000-1111-2222-333344445555\"",
        )
        .expect("valid");
        let admin = p.old.admin.as_ref().expect("old admin");
        assert_eq!(
            (admin.separator(), admin.user.as_deref()),
            ("*", Some("helpdesk"))
        );
        assert_eq!(
            parse(
                "method = \"sasl-plain\"",
                "method = \"client-credentials\"\ntenant = \"a b\"\nclient_id = \"x\""
            ),
            Err(vec![
                "old.admin.user".to_string(),
                "new.admin.tenant".to_string(),
                "new.admin.client_id".to_string()
            ])
        );
        assert!(
            parse(
                "method = \"app-token\"",
                "method = \"master-user\"\nuser = \"h\"\nseparator = \"\""
            )
            .is_err()
        );
        let err = parse("method = \"root\"", "method = \"app-token\"").expect_err("unknown method");
        assert_eq!(err.len(), 1);
    }
}
