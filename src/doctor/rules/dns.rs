//! # DNS rules: MX, autodiscover, SRV (RFC 6186), SPF, DMARC, DKIM

use super::spf;
use crate::doctor::facts::{DKIM_SELECTORS, DnsFacts, Expect, Lookup, Mx, SRV_NAMES};
use crate::doctor::finding::{Area, Finding, Severity, finding};

/// Exchange Online's autodiscover host, the target of the `autodiscover` CNAME.
pub const EXO_AUTODISCOVER: &str = "autodiscover.outlook.com";
/// The include every Exchange Online tenant's SPF needs.
pub const EXO_SPF_INCLUDE: &str = "spf.protection.outlook.com";

pub fn norm(host: &str) -> String {
    host.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// `*.mail.protection.outlook.com` or the newer `*.mx.microsoft`.
pub fn is_exchange_online_mx(host: &str) -> bool {
    let h = norm(host);
    h.ends_with(".mail.protection.outlook.com") || h.ends_with(".mx.microsoft")
}

fn list_mx(mx: &[Mx]) -> String {
    mx.iter()
        .map(|m| format!("{} {}", m.preference, norm(&m.exchange)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn lookup_failed<T>(name: &str, what: &str, lookup: &Lookup<T>) -> Option<Finding> {
    let reason = match lookup {
        Lookup::Timeout => "timeout".to_string(),
        Lookup::Failed(e) => e.clone(),
        _ => return None,
    };
    Some(finding(
        "dns-lookup-failed",
        Severity::Warning,
        Area::Dns,
        format!("{name} {what}"),
        (
            format!("{name} の {what} を引けませんでした（{reason}）"),
            "この項目は確認できていません。",
            "しばらくして再実行するか、別の DNS サーバ（--dns-server）で確かめてください。",
        ),
        (
            format!("could not look up {what} of {name} ({reason})"),
            "This item was not checked.",
            "Run again later, or try another DNS server (--dns-server).",
        ),
    ))
}

pub fn findings(dns: &DnsFacts, expect: &Expect) -> Vec<Finding> {
    let domain = norm(&expect.domain);
    let mut out = Vec::new();
    if dns.mx.is_failure() {
        let reason = match &dns.mx {
            Lookup::Failed(e) => e.clone(),
            _ => "timeout".to_string(),
        };
        out.push(finding(
            "dns-no-answer",
            Severity::Error,
            Area::Dns,
            dns.server.clone(),
            (
                format!("DNS サーバ {} から応答がありません（{reason}）", dns.server),
                "DNS を確認できないため、MX・自動設定・SPF などの確認をすべて省きました。",
                "ネットワーク接続と DNS サーバの設定を確かめてください。学外からは VPN が必要な場合があります。",
            ),
            (
                format!("no answer from DNS server {} ({reason})", dns.server),
                "Without DNS, the MX, autodiscover, SPF and other DNS checks were skipped.",
                "Check the network and the DNS server setting; off campus a VPN may be needed.",
            ),
        ));
        return out;
    }
    if !dns.domain_exists {
        out.push(finding(
            "dns-no-domain",
            Severity::Error,
            Area::Dns,
            domain.clone(),
            (
                format!("DNS サーバ {} によると {domain} というドメインは存在しません", dns.server),
                "アドレスの綴りが違うか、この DNS サーバからは見えないドメインです（学内と学外で DNS が違う場合など）。",
                "アドレスのドメインを確かめてください。学内の DNS でだけ引ける場合は --dns-server で学内の DNS サーバを指定してください。",
            ),
            (
                format!("{domain} does not exist according to DNS server {}", dns.server),
                "The address is misspelt, or this DNS server does not see the domain (split DNS on and off campus).",
                "Check the domain of the address; if only the campus DNS knows it, give that server with --dns-server.",
            ),
        ));
        return out;
    }
    mx_findings(dns, expect, &domain, &mut out);
    autodiscover_findings(dns, expect, &domain, &mut out);
    srv_findings(dns, expect, &domain, &mut out);
    spf_findings(dns, expect, &domain, &mut out);
    dmarc_findings(dns, &domain, &mut out);
    if expect.new_exchange_online {
        dkim_findings(dns, &domain, &mut out);
    }
    out
}

fn mx_findings(dns: &DnsFacts, expect: &Expect, domain: &str, out: &mut Vec<Finding>) {
    let subject = format!("{domain} MX");
    let mx = match &dns.mx {
        Lookup::Found(mx) if !mx.is_empty() => mx,
        Lookup::Found(_) | Lookup::None => {
            out.push(finding(
                "mx-missing",
                Severity::Error,
                Area::Dns,
                subject,
                (
                    format!("{domain} に MX レコードがありません"),
                    "このドメイン宛てのメールは配送されません（A レコードへの配送に頼ることになります）。",
                    "DNS に MX レコードを登録してください（Exchange Online なら <テナント>.mail.protection.outlook.com）。",
                ),
                (
                    format!("{domain} has no MX record"),
                    "Mail to this domain cannot be delivered reliably (senders fall back to the A record).",
                    "Publish an MX record (for Exchange Online: <tenant>.mail.protection.outlook.com).",
                ),
            ));
            return;
        }
        other => {
            out.extend(lookup_failed(domain, "MX", other));
            return;
        }
    };
    let listed = list_mx(mx);
    let exo = mx.iter().any(|m| is_exchange_online_mx(&m.exchange));
    let other = mx.iter().any(|m| !is_exchange_online_mx(&m.exchange));
    let f = if exo && other {
        finding(
            "mx-mixed",
            Severity::Error,
            Area::Dns,
            subject,
            (
                format!("MX に Exchange Online と旧サーバが混在しています: {listed}"),
                "送信元によって配送先が変わります。相手も Exchange Online の場合、優先度の低い Exchange Online の MX へ直接配送され、旧サーバにしかないメールボックス宛てのメールが届かなくなります（実例あり）。",
                "移行の切り替え日に MX を Exchange Online だけにしてください。それまでは旧サーバの MX だけにし、Exchange Online の MX は追加しないでください。",
            ),
            (
                format!("MX mixes Exchange Online and another server: {listed}"),
                "Delivery depends on the sender. A sender on Exchange Online delivers straight to the low-priority Exchange Online MX, so mail for mailboxes that exist only on the old server is lost (this happened in a real migration).",
                "Switch MX to Exchange Online only at cut-over; until then publish only the old server's MX.",
            ),
        )
    } else if exo {
        finding(
            "mx-exchange-online",
            Severity::Ok,
            Area::Dns,
            subject,
            (format!("MX は Exchange Online です: {listed}"), "", ""),
            (format!("MX points at Exchange Online: {listed}"), "", ""),
        )
    } else if expect.new_exchange_online && expect.cutover_passed == Some(true) {
        finding(
            "mx-not-switched",
            Severity::Error,
            Area::Dns,
            subject,
            (
                format!("切り替え日を過ぎても MX が旧サーバのままです: {listed}"),
                "新着メールは旧サーバに届き続け、新サーバには届きません。",
                "MX を Exchange Online（<テナント>.mail.protection.outlook.com）に切り替えてください。",
            ),
            (
                format!(
                    "the cut-over date has passed but MX still points at the old server: {listed}"
                ),
                "New mail keeps arriving at the old server, not at the new one.",
                "Switch MX to Exchange Online (<tenant>.mail.protection.outlook.com).",
            ),
        )
    } else {
        finding(
            "mx-found",
            Severity::Ok,
            Area::Dns,
            subject,
            (format!("MX: {listed}"), "", ""),
            (format!("MX: {listed}"), "", ""),
        )
    };
    out.push(f);
}

fn autodiscover_findings(dns: &DnsFacts, expect: &Expect, domain: &str, out: &mut Vec<Finding>) {
    let name = format!("autodiscover.{domain}");
    match &dns.autodiscover_cname {
        Lookup::Found(target) if norm(target) == EXO_AUTODISCOVER => out.push(finding(
            "autodiscover-cname-ok",
            Severity::Ok,
            Area::Dns,
            name.clone(),
            (format!("{name} → {EXO_AUTODISCOVER}"), "", ""),
            (format!("{name} → {EXO_AUTODISCOVER}"), "", ""),
        )),
        Lookup::Found(target) if expect.new_exchange_online => out.push(finding(
            "autodiscover-cname-wrong",
            Severity::Error,
            Area::Dns,
            name.clone(),
            (
                format!("{name} の CNAME が {} を指しています（{EXO_AUTODISCOVER} ではありません）", norm(target)),
                "Outlook やスマートフォンは Exchange Online の設定を見つけられず、自動設定に失敗するか古い設定を受け取ります。",
                "autodiscover の CNAME を autodiscover.outlook.com に変更してください。",
            ),
            (
                format!("{name} is a CNAME for {}, not {EXO_AUTODISCOVER}", norm(target)),
                "Outlook and phones do not find Exchange Online's settings: set-up fails or picks up old settings.",
                "Point the autodiscover CNAME at autodiscover.outlook.com.",
            ),
        )),
        Lookup::Found(target) => out.push(finding(
            "autodiscover-cname",
            Severity::Ok,
            Area::Dns,
            name.clone(),
            (format!("{name} → {}", norm(target)), "", ""),
            (format!("{name} → {}", norm(target)), "", ""),
        )),
        Lookup::None if expect.new_exchange_online => out.push(finding(
            "autodiscover-cname-missing",
            Severity::Error,
            Area::Dns,
            name.clone(),
            (
                format!("{name} の CNAME がありません"),
                "Outlook は Exchange Online のアカウントを自動設定できません（実例: CNAME を登録するまで Outlook が設定できなかった）。",
                "DNS に autodiscover CNAME autodiscover.outlook.com を登録してください。MX を切り替える前に登録して構いません。",
            ),
            (
                format!("{name} has no CNAME"),
                "Outlook cannot configure an Exchange Online account by itself (in a real migration Outlook only worked once this CNAME existed).",
                "Publish the CNAME autodiscover -> autodiscover.outlook.com; it can go in before the MX switch.",
            ),
        )),
        Lookup::None => {}
        other => out.extend(lookup_failed(&name, "CNAME", other)),
    }
}

fn srv_findings(dns: &DnsFacts, expect: &Expect, domain: &str, out: &mut Vec<Finding>) {
    let old: Vec<String> = expect.old_hosts.iter().map(|h| norm(h)).collect();
    let mut new: Vec<String> = expect.new_hosts.iter().map(|h| norm(h)).collect();
    new.push(EXO_AUTODISCOVER.to_string());
    for service in SRV_NAMES {
        let name = format!("{service}.{domain}");
        let Some(lookup) = dns.srv.get(service) else {
            continue;
        };
        let records = match lookup {
            Lookup::Found(records) => records,
            Lookup::None => continue,
            other => {
                out.extend(lookup_failed(&name, "SRV", other));
                continue;
            }
        };
        let listed = records
            .iter()
            .map(|r| format!("{} {}:{}", r.priority, norm(&r.target), r.port))
            .collect::<Vec<_>>()
            .join(", ");
        let on_old: Vec<String> = records
            .iter()
            .map(|r| norm(&r.target))
            .filter(|t| old.contains(t))
            .collect();
        let unknown = records
            .iter()
            .map(|r| norm(&r.target))
            .any(|t| !t.is_empty() && !new.contains(&t) && !old.contains(&t));
        let f = if !on_old.is_empty() {
            finding(
                "srv-old-host",
                Severity::Error,
                Area::Dns,
                name.clone(),
                (
                    format!(
                        "{name} が旧サーバ {} を指しています: {listed}",
                        on_old.join(", ")
                    ),
                    "この SRV を使うメールソフト（RFC 6186、Outlook の autodiscover）は新しいアカウントを旧サーバに設定してしまいます。",
                    "SRV レコードを新サーバに向けるか、削除してください。",
                ),
                (
                    format!(
                        "{name} points at the old server {}: {listed}",
                        on_old.join(", ")
                    ),
                    "Mail programs that use this SRV record (RFC 6186, Outlook's autodiscover) set the new account up on the old server.",
                    "Point the SRV record at the new server, or remove it.",
                ),
            )
        } else if unknown && !expect.new_hosts.is_empty() {
            finding(
                "srv-unknown-host",
                Severity::Warning,
                Area::Dns,
                name.clone(),
                (
                    format!("{name} がプロファイルにないサーバを指しています: {listed}"),
                    "この SRV を使うメールソフトは、案内と違うサーバに接続します。",
                    "SRV レコードの向き先を確かめ、新サーバに合わせてください。",
                ),
                (
                    format!("{name} points at a server the profile does not know: {listed}"),
                    "Mail programs that use it connect to a server other than the one users are told about.",
                    "Check the SRV target and point it at the new server.",
                ),
            )
        } else {
            finding(
                "srv-ok",
                Severity::Ok,
                Area::Dns,
                name.clone(),
                (format!("{name}: {listed}"), "", ""),
                (format!("{name}: {listed}"), "", ""),
            )
        };
        out.push(f);
    }
}

fn spf_findings(dns: &DnsFacts, expect: &Expect, domain: &str, out: &mut Vec<Finding>) {
    let subject = format!("{domain} TXT (SPF)");
    let txt = match &dns.txt {
        Lookup::Found(txt) => txt.clone(),
        Lookup::None => Vec::new(),
        other => {
            out.extend(lookup_failed(domain, "TXT", other));
            return;
        }
    };
    let records: Vec<&String> = txt.iter().filter(|t| spf::is_spf(t)).collect();
    match records.as_slice() {
        [] => out.push(finding(
            "spf-missing",
            Severity::Warning,
            Area::Dns,
            subject,
            (
                format!("{domain} に SPF レコードがありません"),
                "受信側はこのドメインからのメールを正当と確かめられず、迷惑メール扱いにすることがあります。",
                "TXT レコード \"v=spf1 include:spf.protection.outlook.com -all\"（旧サーバから送る間はその IP も）を登録してください。",
            ),
            (
                format!("{domain} has no SPF record"),
                "Receivers cannot check that mail from this domain is genuine and may file it as spam.",
                "Publish TXT \"v=spf1 include:spf.protection.outlook.com -all\" (plus the old server's IP while it still sends).",
            ),
        )),
        [record] => {
            let mut problems = false;
            let count = spf::count_lookups(record, &dns.spf_includes);
            let exo_mx = dns
                .mx
                .found()
                .is_some_and(|mx| mx.iter().any(|m| is_exchange_online_mx(&m.exchange)));
            if (expect.new_exchange_online || exo_mx) && !count.reached.contains(EXO_SPF_INCLUDE) {
                problems = true;
                out.push(finding(
                    "spf-no-exchange-online",
                    Severity::Error,
                    Area::Dns,
                    subject.clone(),
                    (
                        format!("SPF に include:{EXO_SPF_INCLUDE} がありません: {record}"),
                        "Exchange Online から送ったメールが SPF 検査で不合格になり、相手に届かないか迷惑メールになります。",
                        "SPF レコードに include:spf.protection.outlook.com を加えてください（レコードは 1 つのまま）。",
                    ),
                    (
                        format!("SPF lacks include:{EXO_SPF_INCLUDE}: {record}"),
                        "Mail sent from Exchange Online fails SPF and bounces or lands in spam.",
                        "Add include:spf.protection.outlook.com to the (single) SPF record.",
                    ),
                ));
            }
            if count.lookups > 10 {
                problems = true;
                out.push(finding(
                    "spf-too-many-lookups",
                    Severity::Error,
                    Area::Dns,
                    subject.clone(),
                    (
                        format!("SPF の DNS 参照が {} 回あります（上限 10 回）", count.lookups),
                        "受信側は SPF を「permerror」とし、送信ドメイン認証が働きません。",
                        "include を減らすか、IP アドレス（ip4:/ip6:）で書き直してください。",
                    ),
                    (
                        format!("SPF needs {} DNS look-ups (the limit is 10)", count.lookups),
                        "Receivers treat the SPF record as a permanent error, so SPF does not protect the domain.",
                        "Remove includes or write addresses (ip4:/ip6:) instead.",
                    ),
                ));
            }
            if !count.missing.is_empty() {
                problems = true;
                out.push(finding(
                    "spf-include-missing",
                    Severity::Warning,
                    Area::Dns,
                    subject.clone(),
                    (
                        format!("SPF が参照する {} に SPF レコードがありません", count.missing.join(", ")),
                        "受信側で SPF がエラーになります。",
                        "参照先の綴りを確かめ、不要な include を削除してください。",
                    ),
                    (
                        format!("SPF includes {} which has no SPF record", count.missing.join(", ")),
                        "Receivers get an SPF error.",
                        "Check the spelling of the include, or remove it.",
                    ),
                ));
            }
            if !problems {
                out.push(finding(
                    "spf-ok",
                    Severity::Ok,
                    Area::Dns,
                    subject,
                    (format!("SPF（DNS 参照 {} 回）: {record}", count.lookups), "", ""),
                    (format!("SPF ({} look-ups): {record}", count.lookups), "", ""),
                ));
            }
        }
        many => out.push(finding(
            "spf-multiple",
            Severity::Error,
            Area::Dns,
            subject,
            (
                format!("SPF レコードが {} 個あります", many.len()),
                "SPF レコードが複数あると受信側は SPF を「permerror」とし、どちらも効きません（移行中に新しい SPF を追加したときによく起こります）。",
                "1 つの TXT レコードにまとめてください（例: \"v=spf1 ip4:<旧サーバ> include:spf.protection.outlook.com -all\"）。",
            ),
            (
                format!("{} SPF records", many.len()),
                "With more than one SPF record receivers report a permanent error and neither applies (a common slip when the new SPF is added during migration).",
                "Merge them into one TXT record, e.g. \"v=spf1 ip4:<old server> include:spf.protection.outlook.com -all\".",
            ),
        )),
    }
}

fn dmarc_findings(dns: &DnsFacts, domain: &str, out: &mut Vec<Finding>) {
    let name = format!("_dmarc.{domain}");
    let txt = match &dns.dmarc {
        Lookup::Found(txt) => txt.clone(),
        Lookup::None => Vec::new(),
        other => {
            out.extend(lookup_failed(&name, "TXT", other));
            return;
        }
    };
    let records: Vec<&String> = txt
        .iter()
        .filter(|t| t.trim().to_ascii_lowercase().starts_with("v=dmarc1"))
        .collect();
    let f = match records.as_slice() {
        [] => finding(
            "dmarc-missing",
            Severity::Warning,
            Area::Dns,
            name.clone(),
            (
                format!("{name} に DMARC レコードがありません"),
                "なりすましメールへの方針が示されず、大手の受信側では迷惑メール扱いされやすくなります。",
                "まず \"v=DMARC1; p=none; rua=mailto:<報告先>\" を登録し、様子を見て p=quarantine にしてください。",
            ),
            (
                format!("no DMARC record at {name}"),
                "No policy against spoofing is published; large receivers are more likely to treat the mail as spam.",
                "Publish \"v=DMARC1; p=none; rua=mailto:<reports>\" first, then tighten to p=quarantine.",
            ),
        ),
        [record] => finding(
            "dmarc-ok",
            Severity::Ok,
            Area::Dns,
            name.clone(),
            (format!("DMARC: {record}"), "", ""),
            (format!("DMARC: {record}"), "", ""),
        ),
        many => finding(
            "dmarc-multiple",
            Severity::Error,
            Area::Dns,
            name.clone(),
            (
                format!("DMARC レコードが {} 個あります", many.len()),
                "複数あると受信側は DMARC を無視します。",
                "1 つにまとめてください。",
            ),
            (
                format!("{} DMARC records", many.len()),
                "With more than one record receivers ignore DMARC.",
                "Keep exactly one.",
            ),
        ),
    };
    out.push(f);
}

fn dkim_findings(dns: &DnsFacts, domain: &str, out: &mut Vec<Finding>) {
    let mut ok = Vec::new();
    let mut missing = Vec::new();
    for selector in DKIM_SELECTORS {
        let name = format!("{selector}._domainkey.{domain}");
        match dns.dkim.get(selector) {
            Some(Lookup::Found(target)) if norm(target).contains("._domainkey.") => {
                ok.push(format!("{name} → {}", norm(target)));
            }
            Some(Lookup::Found(_) | Lookup::None) | None => missing.push(name),
            Some(other) => out.extend(lookup_failed(&name, "CNAME", other)),
        }
    }
    let subject = format!("_domainkey.{domain}");
    if !missing.is_empty() {
        out.push(finding(
            "dkim-missing",
            Severity::Warning,
            Area::Dns,
            subject,
            (
                format!("DKIM の CNAME がありません: {}", missing.join(", ")),
                "Exchange Online はこのドメインの名前で DKIM 署名できず、DMARC の検査に通りにくくなります。",
                "Microsoft Defender ポータルの DKIM 設定に表示される selector1/selector2 の CNAME を登録し、署名を有効にしてください。",
            ),
            (
                format!("DKIM CNAME missing: {}", missing.join(", ")),
                "Exchange Online cannot sign with this domain, so DMARC passes less often.",
                "Publish the selector1/selector2 CNAMEs shown in the Microsoft Defender portal's DKIM page and enable signing.",
            ),
        ));
    } else if !ok.is_empty() {
        out.push(finding(
            "dkim-ok",
            Severity::Ok,
            Area::Dns,
            subject,
            (format!("DKIM: {}", ok.join(", ")), "", ""),
            (format!("DKIM: {}", ok.join(", ")), "", ""),
        ));
    }
}
