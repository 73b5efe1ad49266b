//! # HTTP probe: Thunderbird autoconfig, Exchange Autodiscover (POX and the v2 JSON endpoint)
//!
//! Requests go through the doctor's resolver (so `--dns-server` applies) and trust the
//! system roots plus `--ca-file`. Bodies are parsed here into facts; judging them is the
//! rules' job.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::dns::{Dns, ReqwestDns};
use crate::doctor::facts::{HttpBody, HttpFact, HttpKind, HttpOutcome, PoxDoc, PoxProtocol};
use crate::settings::parse_autoconfig;

/// Where and how to ask.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub domain: String,
    pub address: String,
    /// 443 normally; another port for a test or staging server.
    pub https_port: u16,
    pub ca_files: Vec<PathBuf>,
    pub timeout: Duration,
}

pub fn client(dns: &Dns, options: &HttpOptions) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .dns_resolver(Arc::new(ReqwestDns(dns.clone())))
        .timeout(options.timeout)
        .connect_timeout(options.timeout)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::limited(5))
        .user_agent(concat!("ikou-doctor/", env!("CARGO_PKG_VERSION")));
    for path in &options.ca_files {
        let pem = crate::input::read_bounded(path, crate::input::SMALL_FILE)
            .map_err(|e| format!("CA file {}: {e}", path.display()))?;
        let cert = reqwest::Certificate::from_pem(&pem)
            .map_err(|e| format!("CA file {}: {e}", path.display()))?;
        builder = builder.add_root_certificate(cert);
    }
    builder.build().map_err(|e| e.to_string())
}

fn authority(host: &str, port: u16) -> String {
    if port == 443 {
        host.to_string()
    } else {
        format!("{host}:{port}")
    }
}

/// The URLs asked for a domain, without the SRV-based one.
pub fn urls(o: &HttpOptions) -> Vec<(HttpKind, String)> {
    let d = &o.domain;
    let p = o.https_port;
    vec![
        (
            HttpKind::AutoconfigHost,
            format!(
                "https://{}/mail/config-v1.1.xml?emailaddress={}",
                authority(&format!("autoconfig.{d}"), p),
                o.address
            ),
        ),
        (
            HttpKind::AutoconfigWellKnown,
            format!(
                "https://{}/.well-known/autoconfig/mail/config-v1.1.xml",
                authority(d, p)
            ),
        ),
        (
            HttpKind::AutodiscoverPox,
            format!(
                "https://{}/autodiscover/autodiscover.xml",
                authority(&format!("autodiscover.{d}"), p)
            ),
        ),
        (
            HttpKind::AutodiscoverJson,
            format!(
                "https://{}/autodiscover/autodiscover.json/v1.0/{}?Protocol=AutodiscoverV1",
                authority(&format!("autodiscover.{d}"), p),
                o.address
            ),
        ),
    ]
}

fn pox_request(address: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\">\n  <Request>\n    <EMailAddress>{address}</EMailAddress>\n    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>\n  </Request>\n</Autodiscover>\n"
    )
}

/// Reads an Autodiscover POX response (any namespace).
pub fn parse_pox(xml: &str) -> Result<PoxDoc, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("not well-formed XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "Autodiscover" {
        return Err(format!(
            "root element <{}> (expected <Autodiscover>)",
            root.tag_name().name()
        ));
    }
    let text = |node: roxmltree::Node, name: &str| {
        node.children()
            .find(|c| c.tag_name().name() == name)
            .and_then(|c| c.text())
            .map(|t| t.trim().to_string())
    };
    let protocols = root
        .descendants()
        .filter(|n| {
            n.tag_name().name() == "Protocol" && n.children().any(|c| c.tag_name().name() == "Type")
        })
        .map(|n| PoxProtocol {
            kind: text(n, "Type").unwrap_or_default(),
            server: text(n, "Server").unwrap_or_default(),
            port: text(n, "Port").and_then(|p| p.parse().ok()),
            ssl: text(n, "SSL").map(|s| s.eq_ignore_ascii_case("on")),
            encryption: text(n, "Encryption"),
        })
        .collect::<Vec<_>>();
    let redirect = root
        .descendants()
        .find(|n| matches!(n.tag_name().name(), "RedirectUrl" | "RedirectAddr"))
        .and_then(|n| n.text())
        .map(|t| t.trim().to_string());
    let error = root
        .descendants()
        .find(|n| n.tag_name().name() == "Error")
        .map(|n| {
            text(n, "Message")
                .or_else(|| text(n, "ErrorCode"))
                .unwrap_or_else(|| "error".into())
        });
    if protocols.is_empty() && redirect.is_none() && error.is_none() {
        return Err("no <Protocol>, redirect or error in the answer".into());
    }
    Ok(PoxDoc {
        protocols,
        redirect,
        error,
    })
}

/// The innermost cause (DNS, refused, certificate): the URL is already the subject.
fn error_text(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text = s.to_string();
        source = s.source();
    }
    text
}

/// Asks one URL and turns the answer into a fact.
pub async fn probe(
    client: &reqwest::Client,
    kind: HttpKind,
    url: String,
    address: &str,
    limit: Duration,
) -> HttpFact {
    let request = match kind {
        HttpKind::AutodiscoverPox | HttpKind::AutodiscoverSrv => client
            .post(&url)
            .header("Content-Type", "text/xml; charset=utf-8")
            .body(pox_request(address)),
        _ => client.get(&url),
    };
    let work = async {
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return HttpOutcome::Timeout,
            Err(e) => return HttpOutcome::Unreachable(error_text(&e)),
        };
        let status = response.status().as_u16();
        if status == 401 || status == 403 {
            return HttpOutcome::AuthRequired(status);
        }
        if status != 200 {
            return HttpOutcome::Status(status);
        }
        let body = match response.text().await {
            Ok(b) => b,
            Err(e) if e.is_timeout() => return HttpOutcome::Timeout,
            Err(e) => return HttpOutcome::Unreachable(error_text(&e)),
        };
        match kind {
            HttpKind::AutoconfigHost | HttpKind::AutoconfigWellKnown => {
                match parse_autoconfig(&body) {
                    Ok(doc) => HttpOutcome::Document(HttpBody::Autoconfig(doc)),
                    Err(e) => HttpOutcome::Invalid(e.to_string()),
                }
            }
            HttpKind::AutodiscoverPox | HttpKind::AutodiscoverSrv => match parse_pox(&body) {
                Ok(doc) => HttpOutcome::Document(HttpBody::Pox(doc)),
                Err(e) => HttpOutcome::Invalid(e),
            },
            HttpKind::AutodiscoverJson => match serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v.get("Url").and_then(|u| u.as_str()).map(str::to_string))
            {
                Some(url) => HttpOutcome::Document(HttpBody::JsonUrl(url)),
                None => HttpOutcome::Invalid("no \"Url\" in the JSON answer".into()),
            },
        }
    };
    let outcome = tokio::time::timeout(limit, work)
        .await
        .unwrap_or(HttpOutcome::Timeout);
    HttpFact { kind, url, outcome }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pox_answers() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account><AccountType>email</AccountType><Action>settings</Action>
      <Protocol><Type>IMAP</Type><Server>mail.example-univ.test</Server><Port>993</Port><SSL>on</SSL></Protocol>
      <Protocol><Type>SMTP</Type><Server>smtp.example-univ.test</Server><Port>587</Port><Encryption>TLS</Encryption></Protocol>
    </Account>
  </Response>
</Autodiscover>"#;
        let doc = parse_pox(xml).expect("parses");
        assert_eq!(doc.protocols.len(), 2);
        assert_eq!(
            (
                doc.protocols[0].kind.as_str(),
                doc.protocols[0].server.as_str(),
                doc.protocols[0].port,
                doc.protocols[0].ssl
            ),
            ("IMAP", "mail.example-univ.test", Some(993), Some(true))
        );
        assert_eq!(doc.protocols[1].encryption.as_deref(), Some("TLS"));
        let redirect = "<Autodiscover><Response><Account><Action>redirectUrl</Action><RedirectUrl>https://x.test/autodiscover/autodiscover.xml</RedirectUrl></Account></Response></Autodiscover>";
        assert_eq!(
            parse_pox(redirect).expect("redirect").redirect.as_deref(),
            Some("https://x.test/autodiscover/autodiscover.xml")
        );
        assert!(parse_pox("<html><body>It works</body></html>").is_err());
        assert!(parse_pox("<Autodiscover/>").is_err());
    }
}
