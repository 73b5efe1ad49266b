//! # TLS and login rules: certificate trust, host name, expiry; sign-in results

use crate::doctor::facts::{LoginFact, LoginOutcome, Role, TlsFact, TlsOutcome, Verify};
use crate::doctor::finding::{Area, Finding, Severity, finding};

/// Certificates expiring sooner than this many days are reported.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

fn role_label(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Old => ("旧サーバ", "old server"),
        Role::New => ("新サーバ", "new server"),
    }
}

pub fn findings(facts: &[TlsFact]) -> Vec<Finding> {
    facts.iter().map(one).collect()
}

fn one(fact: &TlsFact) -> Finding {
    let subject = format!("{}:{} ({})", fact.host, fact.port, fact.service.label());
    let (rja, ren) = role_label(fact.role);
    let s = subject.clone();
    match &fact.outcome {
        TlsOutcome::Timeout | TlsOutcome::Unreachable(_) => {
            let reason = match &fact.outcome {
                TlsOutcome::Unreachable(e) => e.clone(),
                _ => "timeout".into(),
            };
            finding(
                "tls-unreachable",
                Severity::Error,
                Area::Tls,
                subject,
                (
                    format!("{rja} {s} に接続できません（{reason}）"),
                    "メールソフトもこのサーバに接続できません。",
                    "ホスト名とポート番号を確かめてください。学外からは VPN が必要な場合や、ファイアウォールで止められている場合があります。",
                ),
                (
                    format!("cannot connect to the {ren} {s} ({reason})"),
                    "Mail programs cannot reach this server either.",
                    "Check host name and port; off campus a VPN may be needed, or a firewall blocks the port.",
                ),
            )
        }
        TlsOutcome::NoStarttls => finding(
            "tls-no-starttls",
            Severity::Error,
            Area::Tls,
            subject,
            (
                format!("{rja} {s} は STARTTLS を提供していません"),
                "パスワードが暗号化されずに送られるか、接続できません。",
                "ポートと暗号化方式（SSL/TLS か STARTTLS）を確かめてください。",
            ),
            (
                format!("the {ren} {s} does not offer STARTTLS"),
                "The password would travel unencrypted, or the client cannot connect.",
                "Check the port and the encryption setting (SSL/TLS or STARTTLS).",
            ),
        ),
        TlsOutcome::Handshake { verify, cert } => {
            let until = cert
                .as_ref()
                .map(|c| c.not_after.clone())
                .unwrap_or_default();
            let days = cert.as_ref().map(|c| c.days_left);
            match verify {
                Verify::Expired => finding(
                    "tls-expired",
                    Severity::Error,
                    Area::Tls,
                    subject,
                    (
                        format!("{rja} {s} の証明書の有効期限が切れています（{until}）"),
                        "メールソフトは警告を出すか接続を拒否します。",
                        "サーバ管理者に証明書の更新を依頼してください。警告を無視して接続しないでください。",
                    ),
                    (
                        format!("the {ren} {s} certificate has expired ({until})"),
                        "Mail programs warn or refuse to connect.",
                        "Ask the server's administrators to renew the certificate; do not click through the warning.",
                    ),
                ),
                Verify::NotYetValid => finding(
                    "tls-not-yet-valid",
                    Severity::Error,
                    Area::Tls,
                    subject,
                    (
                        format!("{rja} {s} の証明書はまだ有効期間前です"),
                        "メールソフトは接続を拒否します。",
                        "サーバとこのコンピュータの時計を確かめてください。",
                    ),
                    (
                        format!("the {ren} {s} certificate is not valid yet"),
                        "Mail programs refuse to connect.",
                        "Check the clocks of the server and of this computer.",
                    ),
                ),
                Verify::WrongHost => {
                    let names = cert
                        .as_ref()
                        .map(|c| c.dns_names.join(", "))
                        .unwrap_or_default();
                    finding(
                        "tls-wrong-host",
                        Severity::Error,
                        Area::Tls,
                        subject,
                        (
                            format!(
                                "{rja} {s} の証明書は {} 用ではありません（証明書の名前: {names}）",
                                fact.host
                            ),
                            "メールソフトは「なりすましの可能性」と警告します。設定したホスト名が違う可能性があります。",
                            "証明書に書かれた名前でサーバを設定するか、サーバ管理者に正しい証明書を依頼してください。",
                        ),
                        (
                            format!(
                                "the {ren} {s} certificate is not for {} (it names: {names})",
                                fact.host
                            ),
                            "Mail programs warn about a possible impostor; the configured host name may be wrong.",
                            "Use the host name the certificate names, or ask the administrators for a matching certificate.",
                        ),
                    )
                }
                Verify::Untrusted(detail) | Verify::Other(detail) => finding(
                    "tls-untrusted",
                    Severity::Error,
                    Area::Tls,
                    subject,
                    (
                        format!("{rja} {s} の証明書を信頼できません（{detail}）"),
                        "自己署名や学内 CA の証明書です。メールソフトは警告を出します。",
                        "IT センターの CA 証明書を --ca-file（プロファイルでは ca_file）で指定するか、公的な証明書への切り替えを依頼してください。",
                    ),
                    (
                        format!("the {ren} {s} certificate is not trusted ({detail})"),
                        "It is self-signed or from a private CA; mail programs show a warning.",
                        "Give the IT centre's CA with --ca-file (ca_file in the profile), or ask for a publicly trusted certificate.",
                    ),
                ),
                Verify::Trusted if days.is_some_and(|d| d < EXPIRY_WARNING_DAYS) => finding(
                    "tls-expiring",
                    Severity::Warning,
                    Area::Tls,
                    subject,
                    (
                        format!(
                            "{rja} {s} の証明書はあと {} 日で期限切れです（{until}）",
                            days.unwrap_or(0)
                        ),
                        "期限が切れるとメールソフトが接続できなくなります。",
                        "サーバ管理者に早めの更新を依頼してください。",
                    ),
                    (
                        format!(
                            "the {ren} {s} certificate expires in {} days ({until})",
                            days.unwrap_or(0)
                        ),
                        "Once it expires mail programs cannot connect.",
                        "Ask the administrators to renew it soon.",
                    ),
                ),
                Verify::Trusted => finding(
                    "tls-ok",
                    Severity::Ok,
                    Area::Tls,
                    subject,
                    (
                        format!("{rja} {s}: 証明書は有効です（期限 {until}）"),
                        "",
                        "",
                    ),
                    (
                        format!("{ren} {s}: certificate valid until {until}"),
                        "",
                        "",
                    ),
                ),
            }
        }
    }
}

pub fn login_findings(facts: &[LoginFact]) -> Vec<Finding> {
    facts
        .iter()
        .map(|fact| {
            let (rja, ren) = role_label(fact.role);
            let subject = format!("{} {} ({})", fact.service.label(), fact.server, fact.user);
            match &fact.outcome {
                LoginOutcome::Ok => finding(
                    "login-ok",
                    Severity::Ok,
                    Area::Login,
                    subject,
                    (format!("{rja}にログインできました（{} {}）", fact.service.label(), fact.user), "", ""),
                    (format!("signed in to the {ren} ({} {})", fact.service.label(), fact.user), "", ""),
                ),
                LoginOutcome::Rejected(detail) => finding(
                    "login-rejected",
                    Severity::Error,
                    Area::Login,
                    subject,
                    (
                        format!("{rja}がログインを拒否しました（{detail}）"),
                        "ユーザ名・パスワード（またはトークン）が違うか、このプロトコルが無効です。",
                        "ユーザ名の形式（アドレス全体か @ より前か）とパスワードを確かめてください。Exchange Online では OAuth2 が必要で、IMAP/POP がメールボックスで有効になっている必要があります。",
                    ),
                    (
                        format!("the {ren} rejected the sign-in ({detail})"),
                        "The user name, password or token is wrong, or this protocol is disabled for the mailbox.",
                        "Check the user-name form (whole address or the part before @) and the password; Exchange Online needs OAuth2 and IMAP/POP enabled for the mailbox.",
                    ),
                ),
                LoginOutcome::Failed(detail) => finding(
                    "login-failed",
                    Severity::Error,
                    Area::Login,
                    subject,
                    (
                        format!("{rja}へのログインを試せませんでした（{detail}）"),
                        "接続か証明書の問題で、ログインまで進めませんでした。",
                        "上の TLS の項目を先に直してください。",
                    ),
                    (
                        format!("could not try signing in to the {ren} ({detail})"),
                        "A connection or certificate problem stopped the attempt before the sign-in.",
                        "Fix the TLS findings above first.",
                    ),
                ),
            }
        })
        .collect()
}
