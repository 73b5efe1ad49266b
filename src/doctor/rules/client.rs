//! # Mail-client rules: a Thunderbird profile during the parallel period

use super::dns::norm;
use super::http::url_host;
use crate::doctor::facts::{ClientFacts, Expect, TbAccount};
use crate::doctor::finding::{Area, Finding, Severity, finding};

/// Thunderbird's `authMethod` for OAuth2.
pub const TB_AUTH_OAUTH2: i64 = 10;

fn label(account: &TbAccount) -> String {
    if account.name.is_empty() {
        format!("{} ({})", account.key, account.hostname)
    } else {
        format!("{} ({})", account.name, account.hostname)
    }
}

pub fn findings(client: &ClientFacts, expect: &Expect) -> Vec<Finding> {
    let accounts = match client {
        ClientFacts::NotFound => {
            return vec![finding(
                "client-not-found",
                Severity::Ok,
                Area::Client,
                "Thunderbird",
                (
                    "Thunderbird のプロファイルが見つからないため、メールソフトの確認は省きました"
                        .into(),
                    "",
                    "",
                ),
                (
                    "no Thunderbird profile found; mail-client checks skipped".into(),
                    "",
                    "",
                ),
            )];
        }
        ClientFacts::Unreadable(detail) => {
            return vec![finding(
                "client-unreadable",
                Severity::Warning,
                Area::Client,
                "Thunderbird",
                (
                    format!("Thunderbird の設定を読めません（{detail}）"),
                    "メールソフトの設定は確認できていません。",
                    "--thunderbird-profile でプロファイルのフォルダか prefs.js を指定してください。",
                ),
                (
                    format!("cannot read the Thunderbird settings ({detail})"),
                    "The mail client was not checked.",
                    "Give the profile folder or prefs.js with --thunderbird-profile.",
                ),
            )];
        }
        ClientFacts::Thunderbird { accounts, .. } => accounts,
    };
    let old: Vec<String> = expect.old_hosts.iter().map(|h| norm(h)).collect();
    let new: Vec<String> = expect.new_hosts.iter().map(|h| norm(h)).collect();
    let is_old = |host: &str| old.contains(&norm(host));
    let is_new = |host: &str| new.contains(&norm(host));
    let mut out = Vec::new();
    let mail_accounts: Vec<&TbAccount> = accounts
        .iter()
        .filter(|a| a.kind == "imap" || a.kind == "pop3")
        .collect();
    for account in &mail_accounts {
        let who = label(account);
        let on_new = is_new(&account.hostname);
        for identity in &account.identities {
            if let Some(smtp) = &identity.smtp
                && is_old(&smtp.hostname)
            {
                out.push(finding(
                    "tb-sends-via-old",
                    if on_new { Severity::Error } else { Severity::Warning },
                    Area::Client,
                    who.clone(),
                    (
                        format!("アカウント {who} の {} は旧サーバ {} から送信します", identity.email, smtp.hostname),
                        "移行作業の後に送ったメールは旧サーバから送られ、送信済みメールが新サーバに移行されません。",
                        "「アカウント設定」→「送信 (SMTP) サーバー」で、このアカウントの送信サーバを新サーバに変えてください。",
                    ),
                    (
                        format!("account {who} sends {} through the old server {}", identity.email, smtp.hostname),
                        "Mail sent after the centre copied the mailbox goes out through the old server, and its Sent copy is not migrated.",
                        "In Account Settings > Outgoing Server (SMTP), give this account the new server.",
                    ),
                ));
            }
            if let Some(fcc) = identity.fcc_folder.as_deref().filter(|_| identity.fcc)
                && is_old(&url_host(fcc))
            {
                out.push(finding(
                    "tb-sent-on-old",
                    Severity::Warning,
                    Area::Client,
                    who.clone(),
                    (
                        format!("アカウント {who} は送信済みメールを旧サーバ（{fcc}）に保存します"),
                        "移行作業の後の送信済みメールは新サーバに移行されません。",
                        "「送信控えと特別なフォルダー」で保存先を新アカウントの送信済みトレイにしてください。",
                    ),
                    (
                        format!("account {who} files sent mail on the old server ({fcc})"),
                        "Sent mail filed there after the centre's copy is not migrated.",
                        "In Copies & Folders, file sent copies in the new account's Sent folder.",
                    ),
                ));
            }
        }
        if account.kind == "pop3" && account.leave_on_server && is_old(&account.hostname) {
            out.push(finding(
                "tb-pop-leave-on-server",
                Severity::Warning,
                Area::Client,
                who.clone(),
                (
                    format!("POP アカウント {who} は「メールをサーバに残す」が有効です"),
                    "センターが移行したメールをもう一度受信し、同じメールが 2 通になります。",
                    "移行前に「サーバに残す」を外すか、受信トレイのメールを別フォルダへ移してください。",
                ),
                (
                    format!("POP account {who} leaves messages on the server"),
                    "The copies the centre migrated are downloaded again: every message twice.",
                    "Turn off \"leave messages on server\" before the migration, or move the Inbox mail to another folder.",
                ),
            ));
        }
        if on_new
            && expect.new_exchange_online
            && account.auth_method.is_some_and(|m| m != TB_AUTH_OAUTH2)
        {
            out.push(finding(
                "tb-new-no-oauth2",
                Severity::Warning,
                Area::Client,
                who.clone(),
                (
                    format!("新サーバのアカウント {who} の認証方式が OAuth2 ではありません"),
                    "Exchange Online はパスワードだけの認証を受け付けず、受信できません。",
                    "「サーバー設定」の認証方式を OAuth2 にしてください。",
                ),
                (
                    format!("new-server account {who} does not use OAuth2"),
                    "Exchange Online refuses password-only sign-in, so no mail arrives.",
                    "Set the authentication method in Server Settings to OAuth2.",
                ),
            ));
        }
    }
    let olds: Vec<&&TbAccount> = mail_accounts
        .iter()
        .filter(|a| is_old(&a.hostname))
        .collect();
    let news: Vec<&&TbAccount> = mail_accounts
        .iter()
        .filter(|a| is_new(&a.hostname))
        .collect();
    for o in &olds {
        for n in &news {
            let same_name = !o.name.is_empty() && o.name.trim().eq_ignore_ascii_case(n.name.trim());
            if same_name {
                out.push(finding(
                    "tb-same-name",
                    Severity::Warning,
                    Area::Client,
                    o.name.clone(),
                    (
                        format!("旧アカウントと新アカウントが同じ名前「{}」です", o.name),
                        "どちらが旧サーバか見分けられず、旧サーバで返信・整理してしまいがちです。",
                        "旧アカウントの「アカウント名」を「旧 …」に変えてください。",
                    ),
                    (
                        format!("the old and the new account are both named \"{}\"", o.name),
                        "Users cannot tell which is the old server and end up replying or filing there.",
                        "Rename the old account (Account Name), e.g. \"OLD …\".",
                    ),
                ));
            }
        }
    }
    if news.is_empty() && !new.is_empty() && !mail_accounts.is_empty() {
        out.push(finding(
            "tb-no-new-account",
            Severity::Warning,
            Area::Client,
            "Thunderbird",
            (
                "Thunderbird に新サーバのアカウントがありません".into(),
                "移行後の新着メールを受け取れません。",
                "`ikou settings --client thunderbird` の値で新しいアカウントを追加してください。",
            ),
            (
                "Thunderbird has no account on the new server".into(),
                "New mail after the cut-over will not arrive.",
                "Add the new account with the values from `ikou settings --client thunderbird`.",
            ),
        ));
    }
    if out.is_empty() {
        out.push(finding(
            "tb-ok",
            Severity::Ok,
            Area::Client,
            "Thunderbird",
            (
                format!(
                    "Thunderbird: {} 個のアカウントに問題はありません",
                    mail_accounts.len()
                ),
                "",
                "",
            ),
            (
                format!(
                    "Thunderbird: {} accounts, nothing to fix",
                    mail_accounts.len()
                ),
                "",
                "",
            ),
        ));
    }
    out
}
