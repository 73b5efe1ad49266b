//! # First run: profile, address, passwords

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::parts::{Theme, clean, side_title};
use super::wrap::wrap;
use crate::i18n::Lang;
use crate::model::AuthMethod;
use crate::profile::Side;
use crate::tui::input::Input;
use crate::tui::setup::{SetupState, SetupStep};

/// The form as `setup` stands, in `lang`.
pub fn render(setup: &SetupState, lang: Lang, theme: Theme, frame: &mut Frame, area: Rect) {
    let block = Block::bordered().title(format!(" {} ", tr!(lang, "setup-getting-ready-sign-in")));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines: Vec<Line> = Vec::new();
    // Where the cursor goes: (line index, column) of the active field.
    let mut cursor: Option<(usize, usize)> = None;
    let mut field = |lines: &mut Vec<Line>, label: &str, input: &Input, active: bool| {
        let prefix = format!("{label}: ");
        if active {
            cursor = Some((lines.len(), prefix.width() + input.cursor_column()));
        }
        let style = if active {
            theme.selected()
        } else {
            Default::default()
        };
        lines.push(Line::from(vec![
            Span::raw(prefix),
            Span::styled(format!("{} ", input.display()), style),
        ]));
    };

    match setup.step {
        SetupStep::Find | SetupStep::Profile => {
            let finding = setup.step == SetupStep::Find;
            lines.push(Line::raw(tr!(lang, "package-find-prompt")));
            field(
                &mut lines,
                &format!(
                    "{}{}",
                    if finding { "> " } else { "  " },
                    tr!(lang, "package-find-address")
                ),
                &setup.address,
                finding,
            );
            if let Some(domain) = &setup.find.looking {
                lines.push(Line::styled(
                    format!(
                        "  {}",
                        tr!(lang, "package-find-looking", domain = domain.as_str())
                    ),
                    theme.dim(),
                ));
            }
            lines.push(Line::default());
            lines.push(Line::raw(tr!(lang, "package-find-or-choose")));
            for (i, choice) in setup.choices.iter().enumerate() {
                let here = !finding && i == setup.selected;
                let mark = if here { "> " } else { "  " };
                let mut spans = vec![Span::styled(
                    format!("{mark}{}", clean(&choice.title())),
                    if here {
                        theme.selected()
                    } else {
                        Default::default()
                    },
                )];
                if choice.loaded.is_err() {
                    spans.push(Span::styled(tr!(lang, "setup-unusable"), theme.bad()));
                }
                lines.push(Line::from(spans));
            }
            let typing = !finding && setup.selected == setup.choices.len();
            let mark = if typing { "> " } else { "  " };
            field(
                &mut lines,
                &format!("{mark}{}", tr!(lang, "setup-path-to-a-file")),
                &setup.path,
                typing,
            );
            if let Some(choice) = setup.choices.get(setup.selected)
                && !finding
                && let Err(reason) = &choice.loaded
            {
                lines.push(Line::default());
                lines.push(Line::styled(clean(reason), theme.bad()));
            }
        }
        SetupStep::Address | SetupStep::Password(_) => {
            if let Some((path, profile)) = &setup.chosen {
                let name = if profile.organisation.name.is_empty() {
                    path.display().to_string()
                } else {
                    profile.organisation.name.clone()
                };
                lines.push(Line::raw(format!(
                    "{}: {}",
                    tr!(lang, "setup-profile"),
                    clean(&name)
                )));
                if let Some(origin) = &setup.find.origin {
                    lines.push(Line::styled(
                        format!("  {}", clean(&crate::report::find::origin(origin, lang))),
                        theme.dim(),
                    ));
                }
                lines.push(Line::default());
                field(
                    &mut lines,
                    &tr!(lang, "setup-mail-address"),
                    &setup.address,
                    setup.step == SetupStep::Address,
                );
                for side in [Side::Old, Side::New] {
                    let server = profile.server(side);
                    let user = server.username_for(setup.address.value().trim());
                    lines.push(Line::default());
                    lines.push(Line::raw(format!(
                        "{} {} ({} {})",
                        side_title(side, lang),
                        clean(&server.host),
                        tr!(lang, "setup-user"),
                        clean(&user)
                    )));
                    if server.auth == AuthMethod::Xoauth2 {
                        let note = if server.oauth.is_some() {
                            tr!(lang, "signin-setup-oauth")
                        } else {
                            let env = crate::profile::token_env(profile, side);
                            tr!(lang, "signin-setup-token-from", env = env.as_str())
                        };
                        lines.push(Line::styled(format!("  {note}"), theme.dim()));
                        continue;
                    }
                    let active = setup.step == SetupStep::Password(side);
                    field(
                        &mut lines,
                        &format!("  {}", tr!(lang, "setup-password")),
                        &setup.passwords[side.index()],
                        active,
                    );
                    if active {
                        let hint = match &setup.env_password[side.index()] {
                            Some(env) => {
                                tr!(lang, "setup-empty-uses-env-password", env = env.as_str())
                            }
                            None => tr!(lang, "setup-kept-in-memory-only-never"),
                        };
                        lines.push(Line::styled(hint, theme.dim()));
                    }
                }
            }
        }
    }
    if let Some(error) = &setup.error {
        lines.push(Line::default());
        lines.push(Line::styled(clean(error), theme.bad()));
    }
    // Each line wrapped by display width; the line being typed in is kept whole (cut at the
    // edge) so that the cursor stays on it.
    let mut shown: Vec<Line> = Vec::new();
    let mut cursor_row = None;
    for (i, line) in lines.into_iter().enumerate() {
        if cursor.is_some_and(|(at, _)| at == i) {
            cursor_row = Some(shown.len());
            shown.push(line);
        } else {
            shown.extend(wrap([line], inner.width));
        }
    }
    let lines = shown;
    let cursor = cursor
        .zip(cursor_row)
        .map(|((_, column), row)| (row, column));
    if let Some((line, column)) = cursor
        && line < usize::from(inner.height)
    {
        let x = inner
            .x
            .saturating_add(u16::try_from(column).unwrap_or(u16::MAX));
        let y = inner.y + u16::try_from(line).unwrap_or(0);
        if x < inner.right() {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
