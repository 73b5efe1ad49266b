//! # Thunderbird `prefs.js`: read the accounts, identities and SMTP servers (pure)
//!
//! prefs.js is a list of `user_pref("key", value);` lines written by Thunderbird. Only the
//! mail account keys are interpreted; everything else is ignored.

use std::collections::BTreeMap;

use super::facts::{TbAccount, TbIdentity, TbSmtp};

#[derive(Debug, Clone, PartialEq)]
pub enum PrefValue {
    Str(String),
    Int(i64),
    Bool(bool),
}

/// Parses a JavaScript string literal at the start of `s`; returns it and the rest.
fn string_literal(s: &str) -> Option<(String, &str)> {
    let mut chars = s.char_indices();
    let (_, quote) = chars.next()?;
    if quote != '"' && quote != '\'' {
        return None;
    }
    let mut out = String::new();
    let mut escaped = false;
    for (i, c) in chars {
        if escaped {
            out.push(match c {
                'n' => '\n',
                't' => '\t',
                other => other,
            });
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == quote {
            return Some((out, &s[i + c.len_utf8()..]));
        } else {
            out.push(c);
        }
    }
    None
}

/// All `user_pref`/`pref` lines of a prefs.js.
pub fn parse_prefs(text: &str) -> BTreeMap<String, PrefValue> {
    let mut prefs = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        let Some(rest) = line
            .strip_prefix("user_pref(")
            .or_else(|| line.strip_prefix("pref("))
        else {
            continue;
        };
        let Some((key, rest)) = string_literal(rest.trim_start()) else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix(',') else {
            continue;
        };
        let rest = rest.trim_start();
        let value = if let Some((s, _)) = string_literal(rest) {
            PrefValue::Str(s)
        } else {
            let raw = rest
                .trim_end_matches(';')
                .trim_end()
                .trim_end_matches(')')
                .trim();
            match raw {
                "true" => PrefValue::Bool(true),
                "false" => PrefValue::Bool(false),
                n => match n.parse::<i64>() {
                    Ok(n) => PrefValue::Int(n),
                    Err(_) => continue,
                },
            }
        };
        prefs.insert(key, value);
    }
    prefs
}

struct Prefs<'a>(&'a BTreeMap<String, PrefValue>);

impl Prefs<'_> {
    fn str(&self, key: &str) -> Option<String> {
        match self.0.get(key)? {
            PrefValue::Str(s) => Some(s.clone()),
            PrefValue::Int(n) => Some(n.to_string()),
            PrefValue::Bool(_) => None,
        }
    }
    fn int(&self, key: &str) -> Option<i64> {
        match self.0.get(key)? {
            PrefValue::Int(n) => Some(*n),
            PrefValue::Str(s) => s.parse().ok(),
            PrefValue::Bool(_) => None,
        }
    }
    fn bool(&self, key: &str) -> Option<bool> {
        match self.0.get(key)? {
            PrefValue::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn list(&self, key: &str) -> Vec<String> {
        self.str(key)
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

fn smtp(p: &Prefs, key: &str) -> Option<TbSmtp> {
    let hostname = p.str(&format!("mail.smtpserver.{key}.hostname"))?;
    Some(TbSmtp {
        key: key.to_string(),
        hostname,
        port: p
            .int(&format!("mail.smtpserver.{key}.port"))
            .and_then(|n| u16::try_from(n).ok()),
    })
}

/// The mail accounts in `mail.accountmanager.accounts` order.
pub fn accounts(prefs: &BTreeMap<String, PrefValue>) -> Vec<TbAccount> {
    let p = Prefs(prefs);
    let default_smtp = p
        .str("mail.smtp.defaultserver")
        .or_else(|| p.list("mail.smtpservers").into_iter().next());
    p.list("mail.accountmanager.accounts")
        .into_iter()
        .filter_map(|account| {
            let server = p.str(&format!("mail.account.{account}.server"))?;
            let s = |k: &str| format!("mail.server.{server}.{k}");
            let identities = p
                .list(&format!("mail.account.{account}.identities"))
                .into_iter()
                .map(|id| {
                    let i = |k: &str| format!("mail.identity.{id}.{k}");
                    let smtp_key = p.str(&i("smtpServer")).or_else(|| default_smtp.clone());
                    TbIdentity {
                        key: id.clone(),
                        email: p.str(&i("useremail")).unwrap_or_default(),
                        smtp: smtp_key.and_then(|k| smtp(&p, &k)),
                        fcc_folder: p.str(&i("fcc_folder")),
                        fcc: p.bool(&i("fcc")).unwrap_or(true),
                    }
                })
                .collect();
            Some(TbAccount {
                key: account.clone(),
                name: p.str(&s("name")).unwrap_or_default(),
                kind: p.str(&s("type")).unwrap_or_default(),
                hostname: p.str(&s("hostname")).unwrap_or_default(),
                port: p.int(&s("port")).and_then(|n| u16::try_from(n).ok()),
                username: p.str(&s("userName")).unwrap_or_default(),
                socket_type: p.int(&s("socketType")),
                auth_method: p.int(&s("authMethod")),
                leave_on_server: p.bool(&s("leave_on_server")).unwrap_or(false),
                identities,
            })
        })
        .collect()
}

/// Where one account keeps its mail on disk: Local Folders (`none`), POP and movemail
/// accounts hold the only copy there; IMAP accounts only a cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailStore {
    pub account: String,
    pub server: String,
    /// The name shown in the folder pane.
    pub name: String,
    /// `none` (Local Folders), `pop3`, `imap`, `movemail`, `rss`, ...
    pub kind: String,
    pub hostname: String,
    pub username: String,
    /// `directory-rel`, e.g. `[ProfD]Mail/Local Folders`.
    pub directory_rel: Option<String>,
    /// `directory`, an absolute native path.
    pub directory: Option<String>,
}

/// Every account's mail directory, in `mail.accountmanager.accounts` order.
pub fn mail_stores(prefs: &BTreeMap<String, PrefValue>) -> Vec<MailStore> {
    let p = Prefs(prefs);
    p.list("mail.accountmanager.accounts")
        .into_iter()
        .filter_map(|account| {
            let server = p.str(&format!("mail.account.{account}.server"))?;
            let s = |k: &str| format!("mail.server.{server}.{k}");
            Some(MailStore {
                name: p.str(&s("name")).unwrap_or_default(),
                kind: p.str(&s("type")).unwrap_or_default(),
                hostname: p.str(&s("hostname")).unwrap_or_default(),
                username: p.str(&s("userName")).unwrap_or_default(),
                directory_rel: p.str(&s("directory-rel")),
                directory: p.str(&s("directory")),
                account,
                server,
            })
        })
        .collect()
}

/// The default profile directory named by a `profiles.ini`, relative paths resolved
/// against `base` (the folder holding profiles.ini).
pub fn default_profile(profiles_ini: &str, base: &std::path::Path) -> Option<std::path::PathBuf> {
    let mut sections: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    for line in profiles_ini.lines() {
        let line = line.trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sections.push((name.to_string(), BTreeMap::new()));
        } else if let Some((k, v)) = line.split_once('=')
            && let Some((_, map)) = sections.last_mut()
        {
            map.insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    let resolve = |path: &str, relative: bool| {
        if relative {
            base.join(path)
        } else {
            std::path::PathBuf::from(path)
        }
    };
    // Newer Thunderbird: [Install<hash>] Default=<relative path>.
    if let Some(path) = sections
        .iter()
        .find(|(n, _)| n.starts_with("Install"))
        .and_then(|(_, m)| m.get("Default"))
    {
        return Some(resolve(path, true));
    }
    let profiles: Vec<&BTreeMap<String, String>> = sections
        .iter()
        .filter(|(n, _)| n.starts_with("Profile"))
        .map(|(_, m)| m)
        .collect();
    let chosen = profiles
        .iter()
        .find(|m| m.get("Default").is_some_and(|d| d == "1"))
        .or_else(|| profiles.first())?;
    let path = chosen.get("Path")?;
    Some(resolve(
        path,
        chosen.get("IsRelative").is_none_or(|r| r == "1"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const SAMPLE: &str = r#"// Mozilla User Preferences
user_pref("mail.accountmanager.accounts", "account1,account2,account3");
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account2.identities", "id2");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.account.account3.server", "server3");
user_pref("mail.identity.id1.useremail", "taro@example-univ.ac.jp");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.fcc_folder", "imap://taro@mail.example-univ.ac.jp/Sent");
user_pref("mail.identity.id2.useremail", "taro@example-univ.ac.jp");
user_pref("mail.server.server1.hostname", "mail.example-univ.ac.jp");
user_pref("mail.server.server1.name", "taro@example-univ.ac.jp");
user_pref("mail.server.server1.type", "pop3");
user_pref("mail.server.server1.leave_on_server", true);
user_pref("mail.server.server1.port", 995);
user_pref("mail.server.server2.hostname", "outlook.office365.com");
user_pref("mail.server.server2.name", "taro@example-univ.ac.jp");
user_pref("mail.server.server2.type", "imap");
user_pref("mail.server.server2.authMethod", 10);
user_pref("mail.server.server3.hostname", "Local Folders");
user_pref("mail.server.server3.type", "none");
user_pref("mail.smtp.defaultserver", "smtp2");
user_pref("mail.smtpserver.smtp1.hostname", "mail.example-univ.ac.jp");
user_pref("mail.smtpserver.smtp2.hostname", "smtp.office365.com");
user_pref("mail.smtpserver.smtp2.port", 587);
user_pref("mail.server.server2.\"odd\"", "a \"quoted\" \\ value");
"#;

    #[test]
    fn reads_accounts_identities_and_smtp() {
        let prefs = parse_prefs(SAMPLE);
        assert_eq!(
            prefs.get("mail.server.server2.\"odd\""),
            Some(&PrefValue::Str("a \"quoted\" \\ value".into()))
        );
        let accounts = accounts(&prefs);
        assert_eq!(accounts.len(), 3);
        let pop = &accounts[0];
        assert_eq!(
            (
                pop.kind.as_str(),
                pop.hostname.as_str(),
                pop.port,
                pop.leave_on_server
            ),
            ("pop3", "mail.example-univ.ac.jp", Some(995), true)
        );
        assert_eq!(
            pop.identities[0].smtp.as_ref().map(|s| s.hostname.as_str()),
            Some("mail.example-univ.ac.jp")
        );
        assert_eq!(
            pop.identities[0].fcc_folder.as_deref(),
            Some("imap://taro@mail.example-univ.ac.jp/Sent")
        );
        let imap = &accounts[1];
        assert_eq!(imap.auth_method, Some(10));
        // No smtpServer on the identity: the default server applies.
        assert_eq!(
            imap.identities[0]
                .smtp
                .as_ref()
                .map(|s| (s.hostname.as_str(), s.port)),
            Some(("smtp.office365.com", Some(587)))
        );
        assert_eq!(accounts[2].kind, "none");
    }

    #[test]
    fn profiles_ini_default() {
        let base = std::path::Path::new("/home/t/.thunderbird");
        let ini = "[Profile1]\nName=other\nIsRelative=1\nPath=b.other\n\n[Profile0]\nName=default\nIsRelative=1\nPath=a.default\nDefault=1\n";
        assert_eq!(default_profile(ini, base), Some(base.join("a.default")));
        let ini = "[Install4F96D1932A9F858E]\nDefault=x.default-release\nLocked=1\n\n[Profile0]\nPath=a.default\nDefault=1\n";
        assert_eq!(
            default_profile(ini, base),
            Some(base.join("x.default-release"))
        );
        let ini = "[Profile0]\nIsRelative=0\nPath=/srv/tb\n";
        assert_eq!(
            default_profile(ini, base),
            Some(std::path::PathBuf::from("/srv/tb"))
        );
    }
}
