//! Regenerates the README's screenshot of the TUI: starts the demo servers (old legacy +
//! new Exchange-like, real Dovecot on loopback), signs in through the TUI's own state
//! machine, renders the overview at 80x24 and writes `assets/screenshot.txt`,
//! `assets/screenshot.ja.txt`, `assets/screenshot.svg`, the Verify screen (verdict and missing
//! list) to `assets/screenshot-verify.txt`, `.svg` and `assets/screenshot-verify-missing.txt`,
//! then the folders screen with the verification's statuses to `assets/screenshot-folders.txt`,
//! and the Microsoft 365 device-code step (as the sign-in shows it) to
//! `assets/screenshot-signin.ja.txt` and `assets/screenshot-signin.txt`.
//!
//!     cargo run --example tui_screenshot        (or scripts/screenshot)

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use ikou::i18n::Lang;
use ikou::tui::Driver;
use ikou::tui::app::{App, AppOptions};
use ikou::tui::config::Remembered;
use ikou::tui::protocol::{DeviceCode, Msg, TaskEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

const SIZE: (u16, u16) = (80, 24);

fn press(driver: &mut Driver, code: KeyCode) {
    driver.key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn render(app: &App) -> Result<Buffer> {
    let mut terminal = Terminal::new(TestBackend::new(SIZE.0, SIZE.1))?;
    terminal.draw(|frame| ikou::tui::view::render(app, frame))?;
    Ok(terminal.backend().buffer().clone())
}

/// Rows as text; the cell hidden behind a wide character is skipped.
fn text(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        let mut x = 0;
        while x < buffer.area.width {
            let symbol = buffer[(x, y)].symbol();
            line.push_str(symbol);
            x += u16::try_from(symbol.width().max(1)).unwrap_or(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn hex(colour: Color, default: &str) -> String {
    match colour {
        Color::Green => "#5faf5f".into(),
        Color::Red => "#e05050".into(),
        Color::Yellow => "#d7af00".into(),
        Color::Cyan => "#5fafd7".into(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        _ => default.into(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A dark-terminal SVG; each run of equally styled cells is one <text> stretched to its
/// exact cell width, so Japanese text keeps its two columns whatever the font.
fn svg(buffer: &Buffer) -> String {
    const CW: f64 = 9.0;
    const CH: f64 = 19.0;
    const BG: &str = "#1c1c1c";
    const FG: &str = "#d0d0d0";
    let (w, h) = (buffer.area.width, buffer.area.height);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"'DejaVu Sans Mono','Noto Sans Mono CJK JP',monospace\" font-size=\"15\">\n<rect width=\"100%\" height=\"100%\" fill=\"{BG}\"/>\n",
        f64::from(w) * CW + 16.0,
        f64::from(h) * CH + 16.0
    );
    for y in 0..h {
        let mut x = 0;
        while x < w {
            let start = buffer[(x, y)].clone();
            let mut run = String::new();
            let mut cells = 0u16;
            while x < w {
                let cell = &buffer[(x, y)];
                if cell.fg != start.fg || cell.bg != start.bg || cell.modifier != start.modifier {
                    break;
                }
                let width = u16::try_from(cell.symbol().width().max(1)).unwrap_or(1);
                run.push_str(cell.symbol());
                cells += width;
                x += width;
            }
            let reversed = start.modifier.contains(Modifier::REVERSED);
            let (mut fg, mut bg) = (hex(start.fg, FG), hex(start.bg, BG));
            if reversed {
                std::mem::swap(&mut fg, &mut bg);
            }
            let x0 = 8.0 + f64::from(x - cells) * CW;
            let y0 = 8.0 + f64::from(y) * CH;
            if bg != BG {
                let _ = writeln!(
                    out,
                    "<rect x=\"{x0}\" y=\"{y0}\" width=\"{}\" height=\"{CH}\" fill=\"{bg}\"/>",
                    f64::from(cells) * CW
                );
            }
            if run.trim().is_empty() {
                continue;
            }
            let weight = if start.modifier.contains(Modifier::BOLD) {
                " font-weight=\"bold\""
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "<text x=\"{x0}\" y=\"{}\" fill=\"{fg}\"{weight} textLength=\"{}\" lengthAdjust=\"spacingAndGlyphs\" xml:space=\"preserve\">{}</text>",
                y0 + CH * 0.75,
                f64::from(cells) * CW,
                escape(&run)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

#[tokio::main]
async fn main() -> Result<()> {
    let demo = ikou_testbed::scenario::Migration::start(1)
        .context("the demo servers (Dovecot) must start; scripts/test installs them")?;
    let dir = tempfile::tempdir()?;
    let profile = dir.path().join("demo.toml");
    std::fs::write(
        &profile,
        ikou_testbed::profile::ikou_profile(&demo.old.info(), Some(&demo.new.info()), &demo.user),
    )?;
    let app = App::new(AppOptions {
        lang: Lang::En,
        profile: Some(profile),
        address: None,
        remembered: Remembered::default(),
        profile_dirs: vec![],
        size: SIZE,
        // A fixed day so the phase line does not change with the calendar.
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).context("date")?,
        colour: true,
    });
    let mut driver = Driver::new(app, None);
    let started = std::time::Instant::now();
    press(&mut driver, KeyCode::Enter);
    for _ in 0..2 {
        for c in demo.password.chars() {
            press(&mut driver, KeyCode::Char(c));
        }
        press(&mut driver, KeyCode::Enter);
    }
    if !driver.settle(Duration::from_secs(120)).await {
        bail!("the servers did not report within two minutes");
    }
    eprintln!(
        "signed in and gathered both servers in {:?}",
        started.elapsed()
    );
    let started = std::time::Instant::now();
    for _ in 0..100 {
        render(&driver.app)?;
    }
    eprintln!(
        "one overview frame renders in {:?}",
        started.elapsed() / 100
    );
    let assets = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets");
    let english = render(&driver.app)?;
    std::fs::write(assets.join("screenshot.txt"), text(&english))?;
    std::fs::write(assets.join("screenshot.svg"), svg(&english))?;
    press(&mut driver, KeyCode::Char('l'));
    std::fs::write(
        assets.join("screenshot.ja.txt"),
        text(&render(&driver.app)?),
    )?;
    press(&mut driver, KeyCode::Char('l'));
    // Verify: the verdict over the scenario's known differences, then the missing list.
    press(&mut driver, KeyCode::Char('4'));
    press(&mut driver, KeyCode::Char('v'));
    if !driver.settle(Duration::from_secs(120)).await {
        bail!("the verification did not finish within two minutes");
    }
    let verify = render(&driver.app)?;
    std::fs::write(assets.join("screenshot-verify.txt"), text(&verify))?;
    std::fs::write(assets.join("screenshot-verify.svg"), svg(&verify))?;
    press(&mut driver, KeyCode::Enter);
    std::fs::write(
        assets.join("screenshot-verify-missing.txt"),
        text(&render(&driver.app)?),
    )?;
    // The folders screen after the verification: its statuses come from it.
    press(&mut driver, KeyCode::Char('2'));
    std::fs::write(
        assets.join("screenshot-folders.txt"),
        text(&render(&driver.app)?),
    )?;
    // The Microsoft 365 sign-in step: the device code as the sign-in task shows it (a fixed
    // code, so the picture does not change from run to run).
    press(&mut driver, KeyCode::Char('1'));
    let device = |app: &App| {
        Msg::Task(TaskEvent::DeviceCode(DeviceCode {
            side: ikou::profile::Side::New,
            generation: app.generation(),
            user_code: "BCDF-GHJK".into(),
            verification_uri: "https://microsoft.com/devicelogin".into(),
            remaining_secs: 14 * 60 + 52,
        }))
    };
    let event = device(&driver.app);
    driver.app.update(event);
    std::fs::write(
        assets.join("screenshot-signin.txt"),
        text(&render(&driver.app)?),
    )?;
    press(&mut driver, KeyCode::Char('l'));
    std::fs::write(
        assets.join("screenshot-signin.ja.txt"),
        text(&render(&driver.app)?),
    )?;
    print!("{}", text(&english));
    Ok(())
}
