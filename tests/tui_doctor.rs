//! The Doctor and Settings screens driven by key events: the diagnosis runs as a task against
//! a real dnsmasq serving a test zone on loopback, and its findings appear with their marks.

mod doctor_support;
mod tui_support;

use std::time::Duration;
use tui_support::press;

use chrono::NaiveDate;
use doctor_support::{Dnsmasq, dns_profile};
use ikou::i18n::Lang;
use ikou::tui::Driver;
use ikou::tui::app::{App, AppOptions};
use ikou::tui::config::Remembered;
use ikou::tui::doctor::DoctorRun;
use ikou::tui::screen::Screen;
use ratatui::crossterm::event::KeyCode;
use std::path::PathBuf;

fn screen(app: &App) -> String {
    tui_support::screen_at(app, 120, 40)
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_screen_shows_the_findings_for_a_real_zone() {
    // MX already at Exchange Online, SPF without it: one ok, one error, both from DNS.
    let dns = Dnsmasq::start(&[
        "mx-host=example-univ.test,example-univ-test.mail.protection.outlook.com,0".into(),
        "txt-record=example-univ.test,\"v=spf1 ip4:192.0.2.1 -all\"".into(),
    ]);
    let dir = tempfile::tempdir().expect("tmp");
    let profile = PathBuf::from(dns_profile(dir.path(), Some("taro@example-univ.test")));
    let app = App::new(AppOptions {
        lang: Lang::En,
        profile: Some(profile),
        address: None,
        remembered: Remembered::default(),
        profile_dirs: vec![],
        size: (120, 40),
        today: NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"),
        colour: false,
    });
    let mut driver = Driver::new(app, None);
    driver.doctor_dns = Some(dns.addr().parse().expect("dns address"));
    // Sign in with no passwords: the servers fail, the doctor does not need them.
    for _ in 0..3 {
        press(&mut driver, KeyCode::Enter);
    }
    assert!(driver.settle(Duration::from_secs(60)).await);
    press(&mut driver, KeyCode::Char('5'));
    assert_eq!(driver.app.screen, Screen::Doctor);
    press(&mut driver, KeyCode::Char('d'));
    assert!(driver.app.doctor.running());
    assert!(
        driver.settle(Duration::from_secs(60)).await,
        "the diagnosis ends within its time bound"
    );
    let DoctorRun::Done(report) = &driver.app.doctor.run else {
        panic!("{:?}", driver.app.doctor.run);
    };
    let has = |id: &str, severity: &str| {
        report
            .findings
            .iter()
            .any(|f| f.id == id && format!("{:?}", f.severity).eq_ignore_ascii_case(severity))
    };
    assert!(has("mx-exchange-online", "ok"), "{:#?}", report.findings);
    let spf = report
        .findings
        .iter()
        .find(|f| f.id.as_str().starts_with("spf") && f.severity != ikou::doctor::Severity::Ok)
        .unwrap_or_else(|| panic!("an SPF problem: {:#?}", report.findings));
    let text = screen(&driver.app);
    assert!(text.contains("[OK]"), "{text}");
    assert!(
        text.contains(
            &spf.text(ikou::i18n::Lang::En)
                .summary
                .chars()
                .take(30)
                .collect::<String>()
        ),
        "{text}"
    );
    assert!(
        text.contains(&format!("{} errors", report.counts.errors)),
        "{text}"
    );
    // Settings: the new server's tables, from the same profile.
    press(&mut driver, KeyCode::Char('6'));
    let text = screen(&driver.app);
    assert!(text.contains("outlook.office365.com"), "{text}");
    assert!(text.contains("taro@example-univ.test"), "{text}");
}
