//! # Verify: the verdict, the findings by kind, one message's headers, the restore plan

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::{Theme, bar, clean, inside, short_date, side_title, wrapped};
use crate::compare::result::{Finding, FindingKind, FolderStatus};
use crate::compare::verdict::ExitStatus;
use crate::i18n::Lang;
use crate::profile::Side;
use crate::report::{grouped, human_size};
use crate::service::verify::restore::{ItemOutcome, ItemResult, PlanItem};
use crate::tui::app::{App, side_index};
use crate::tui::verify::{
    Headers, KINDS, ReadProgress, RestoreStep, VerifyMode, VerifyOutcome, VerifyRun, findings_of,
};

/// The list title for a kind of finding.
pub fn kind_title(kind: FindingKind, lang: Lang) -> String {
    match kind {
        FindingKind::Missing => tr!(lang, "tui-verify-kind-missing"),
        FindingKind::Duplicate => tr!(lang, "tui-verify-kind-duplicate"),
        FindingKind::Garbled => tr!(lang, "tui-verify-kind-garbled"),
        FindingKind::Oversize => tr!(lang, "tui-verify-kind-oversize"),
        other => other.label(lang),
    }
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let state = &app.verify;
    match &state.run {
        VerifyRun::Idle => idle(app, frame, area),
        VerifyRun::Running(progress) => running(app, progress, frame, area),
        VerifyRun::Failed(reason) => failed(app, reason, frame, area),
        VerifyRun::Done(outcome) => match &state.mode {
            VerifyMode::Summary => summary(app, outcome, frame, area),
            VerifyMode::List => list(app, outcome, frame, area),
            VerifyMode::Headers {
                target,
                headers,
                scroll,
            } => {
                let where_ = format!(
                    "{} {} UID {}",
                    side_title(target.side, app.lang),
                    clean(&target.folder),
                    target.uid
                );
                headers_view(app, &target.subject, &where_, headers, *scroll, frame, area)
            }
            VerifyMode::Restore {
                plan,
                folders_to_create,
                step,
            } => restore_view(app, outcome, plan, folders_to_create, step, frame, area),
        },
    }
}

fn block(title: String) -> Block<'static> {
    Block::bordered().title(title)
}

/// A box with the scroll hint, when there is one, after its title.
fn with_hint(block: Block<'static>, hint: Option<Line<'static>>) -> Block<'static> {
    match hint {
        Some(hint) => block.title(hint),
        None => block,
    }
}

fn idle(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let mut lines = vec![
        Line::raw(lang.pick(
            "旧サーバーと新サーバーのメールを、フォルダごと・メールごとに照合します。",
            "Compares the old mailbox with the new one, folder by folder and message by message.",
        )),
        Line::raw(lang.pick(
            "どちらのサーバーも読み取るだけで、何も変更しません。",
            "Both servers are only read; nothing is changed on either.",
        )),
        Line::default(),
    ];
    if app.profile.is_some() {
        lines.push(Line::styled(
            lang.pick(
                "v または Enter で検証を始めます。",
                "Press v or Enter to verify.",
            ),
            theme.key(),
        ));
    } else {
        lines.push(Line::styled(
            lang.pick("先にサインインしてください (a)。", "Sign in first (a)."),
            theme.dim(),
        ));
    }
    frame.render_widget(
        wrapped(lines, inside(area)).block(block(format!(" {} ", lang.pick("検証", "Verify")))),
        area,
    );
}

fn running(app: &App, progress: &[ReadProgress; 2], frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let outer = block(format!(" {} ", lang.pick("検証中", "Verifying")));
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let width = usize::from(inner.width);
    let mut lines = Vec::new();
    for side in [Side::Old, Side::New] {
        let p = &progress[side_index(side)];
        let status = if !p.connected {
            lang.pick("接続中...", "connecting...").to_string()
        } else if p.total == 0 {
            lang.pick("フォルダ一覧を取得中...", "listing folders...")
                .to_string()
        } else if p.done >= p.total {
            lang.pick("読み取り完了", "read").to_string()
        } else {
            format!("{}/{} {}", p.done + 1, p.total, clean(&p.folder))
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", side_title(side, lang)), theme.busy()),
            Span::raw(status),
        ]));
        let ratio = if p.total == 0 {
            0.0
        } else {
            p.done as f64 / p.total as f64
        };
        let (filled, empty) = bar(ratio, width);
        lines.push(Line::from(vec![
            Span::raw("["),
            Span::styled(filled, theme.ok()),
            Span::raw(format!("{empty}]")),
        ]));
        lines.push(Line::default());
    }
    lines.push(Line::styled(
        lang.pick(
            "両方のサーバーを同時に読み取っています (読み取りのみ)。",
            "Reading both servers at once (read-only).",
        ),
        theme.dim(),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn failed(app: &App, reason: &str, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let lines = vec![
        Line::styled(
            lang.pick("検証できませんでした:", "Verification failed:"),
            theme.bad(),
        ),
        Line::raw(clean(reason)),
        Line::default(),
        Line::styled(
            lang.pick(
                "v: もう一度  a: サインインし直す",
                "v: try again  a: sign in again",
            ),
            theme.dim(),
        ),
    ];
    frame.render_widget(
        wrapped(lines, inside(area)).block(block(format!(" {} ", lang.pick("検証", "Verify")))),
        area,
    );
}

fn summary(app: &App, outcome: &VerifyOutcome, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let report = &outcome.report;
    let ok = report.status == ExitStatus::Match;
    let verdict = vec![
        Line::styled(
            clean(&report.comparison.verdict(lang)),
            if ok { theme.ok() } else { theme.bad() },
        ),
        // The same code `ikou verify` prints, for the user to read out to the helpdesk.
        Line::styled(
            tr!(
                lang,
                "helpdesk-state-code-line",
                code = report.state_code.as_str()
            ),
            theme.key(),
        ),
        Line::raw(format!(
            "{} {}  ->  {} {}",
            lang.pick("旧", "Old"),
            clean(&report.old.server),
            lang.pick("新", "New"),
            clean(&report.new_server)
        )),
    ];
    // The verdict box is as tall as its wrapped text, up to half of what is left after the
    // kinds (the folder table below scrolls).
    let verdict = super::wrap(verdict, inside(area));
    let most = (area.height.saturating_sub(6) / 2).max(3);
    let verdict_height = u16::try_from(verdict.len() + 2).unwrap_or(most).min(most);
    let [verdict_area, kinds_area, table_area] = Layout::vertical([
        Constraint::Length(verdict_height),
        Constraint::Length(6),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(verdict).block(block(format!(" {} ", lang.pick("判定", "Verdict")))),
        verdict_area,
    );

    let rows: Vec<Line> = KINDS
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let count = findings_of(report, *kind).len();
            let mark = if i == app.verify.kind { "> " } else { "  " };
            let mut text = format!("{mark}{:<w$}", kind_title(*kind, lang), w = 0);
            let pad = 30usize.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()));
            text.push_str(&" ".repeat(pad));
            text.push_str(&format!("{count:>5}"));
            if *kind == FindingKind::Missing && report.summary.sent_missing > 0 {
                text.push_str(&match lang {
                    Lang::Ja => format!("  (送信済み {})", report.summary.sent_missing),
                    Lang::En => format!("  ({} sent)", report.summary.sent_missing),
                });
            }
            let style = if i == app.verify.kind {
                theme.selected()
            } else if count > 0 {
                theme.bad()
            } else {
                Style::default()
            };
            Line::styled(text, style)
        })
        .collect();
    frame.render_widget(
        Paragraph::new(rows).block(block(format!(
            " {} ",
            lang.pick("違い (Enter で一覧)", "Differences (Enter lists them)")
        ))),
        kinds_area,
    );

    let right = |text: String| Cell::from(Line::from(text).right_aligned());
    let header = Row::new(vec![
        Cell::from(lang.pick("新フォルダ", "New folder")),
        Cell::from(lang.pick("旧フォルダ", "Old folders")),
        right(lang.pick("旧", "Old").into()),
        right(lang.pick("新", "New").into()),
        right(lang.pick("差", "Diff").into()),
        Cell::from(lang.pick("状態", "Status")),
    ])
    .style(theme.key());
    // Folders that differ first: on a small terminal they are the ones that must show.
    let mut folders: Vec<_> = report.comparison.folders.iter().collect();
    folders.sort_by_key(|f| f.status != FolderStatus::Differs);
    // Rows that fit under the borders and the header; PgUp/PgDn scroll the rest.
    let fit = usize::from(table_area.height.saturating_sub(3)).max(1);
    let total = folders.len();
    let first = app.verify.folder_offset.min(total.saturating_sub(fit));
    let hint = super::scroll_hint(lang, first, fit, total, "PgUp/PgDn");
    let rows = folders.into_iter().skip(first).take(fit).map(|f| {
        let differs = f.status == FolderStatus::Differs;
        Row::new(vec![
            Cell::from(clean(&f.new_folder)),
            Cell::from(clean(&f.old_folders.join(", "))),
            right(grouped(f.old_count)),
            right(grouped(f.new_count)),
            right(format!("{:+}", f.difference)),
            Cell::from(if differs {
                lang.pick("差異あり", "DIFFERS")
            } else {
                lang.pick("一致", "ok")
            }),
        ])
        .style(if differs {
            theme.bad()
        } else {
            Style::default()
        })
    });
    let t = &report.comparison.totals;
    let table = Table::new(
        rows,
        [
            Constraint::Fill(1),
            Constraint::Fill(1),
            Constraint::Length(6),
            Constraint::Length(6),
            Constraint::Length(6),
            Constraint::Length(8),
        ],
    )
    .header(header)
    .block(with_hint(
        block(match lang {
            Lang::Ja => format!(
                " フォルダごとの件数 (旧 {} 通 / 新 {} 通) ",
                grouped(t.old_messages),
                grouped(t.new_messages)
            ),
            Lang::En => format!(
                " Messages per folder (old {}, new {}) ",
                grouped(t.old_messages),
                grouped(t.new_messages)
            ),
        }),
        hint,
    ));
    frame.render_widget(table, table_area);
}

/// The person on the other side: the recipient for missing sent mail, else the sender.
fn who(finding: &Finding) -> String {
    let Some(m) = finding.message.as_ref() else {
        return String::new();
    };
    let text = if finding.reason.kind() == FindingKind::Missing && m.to.is_some() {
        m.to.as_ref().map(|t| format!("-> {t}"))
    } else {
        m.from.clone()
    };
    clean(&text.unwrap_or_default())
}

fn list(app: &App, outcome: &VerifyOutcome, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let state = &app.verify;
    let kind = KINDS[state.kind];
    let findings = findings_of(&outcome.report, kind);
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(2)]).areas(area);
    let page = crate::tui::app::list_page(app.size, lang);
    let restorable = kind == FindingKind::Missing;
    let rows = findings
        .iter()
        .enumerate()
        .skip(state.offset)
        .take(page)
        .map(|(i, (index, f))| {
            let m = f.message.as_ref();
            let mut cells = Vec::new();
            if restorable {
                cells.push(Cell::from(if state.marked.contains(index) {
                    "[x]"
                } else {
                    "[ ]"
                }));
            }
            let folder = f
                .old_folder
                .as_deref()
                .or(f.new_folder.as_deref())
                .unwrap_or("-");
            cells.push(Cell::from(clean(folder)));
            cells.push(Cell::from(short_date(m.and_then(|m| m.date.as_deref()))));
            cells.push(Cell::from(who(f)));
            let subject = match &f.reason {
                crate::compare::result::Reason::Garbled {
                    new_subject: Some(new),
                    ..
                } => format!(
                    "{} {} {}",
                    m.and_then(|m| m.subject.clone()).unwrap_or_default(),
                    lang.pick("/ 新:", "/ new:"),
                    new
                ),
                _ => m.and_then(|m| m.subject.clone()).unwrap_or_default(),
            };
            cells.push(Cell::from(clean(&subject)));
            cells.push(Cell::from(
                Line::from(m.map(|m| human_size(m.size)).unwrap_or_default()).right_aligned(),
            ));
            let row = Row::new(cells);
            if i == state.selected {
                row.style(theme.selected())
            } else {
                row
            }
        });
    let mut header = Vec::new();
    let mut widths = Vec::new();
    if restorable {
        header.push(Cell::from(""));
        widths.push(Constraint::Length(3));
    }
    header.extend([
        Cell::from(lang.pick("フォルダ", "Folder")),
        Cell::from(lang.pick("日付", "Date")),
        Cell::from(if restorable {
            lang.pick("宛先", "To")
        } else {
            lang.pick("差出人", "From")
        }),
        Cell::from(lang.pick("件名", "Subject")),
        Cell::from(Line::from(lang.pick("サイズ", "Size")).right_aligned()),
    ]);
    widths.extend([
        Constraint::Fill(2),
        Constraint::Length(10),
        Constraint::Fill(2),
        Constraint::Fill(4),
        Constraint::Length(9),
    ]);
    let marked = if restorable && !state.marked.is_empty() {
        match lang {
            Lang::Ja => format!("  {} 通選択", state.marked.len()),
            Lang::En => format!("  {} marked", state.marked.len()),
        }
    } else {
        String::new()
    };
    let title = format!(
        " {} ({}) [{}/{}]{marked} ",
        kind_title(kind, lang),
        findings.len(),
        state.kind + 1,
        KINDS.len()
    );
    if findings.is_empty() {
        frame.render_widget(
            Paragraph::new(lang.pick("ありません。", "None.")).block(block(title)),
            table_area,
        );
        return;
    }
    let hint = super::scroll_hint(lang, state.offset, page, findings.len(), "Up/Dn PgUp/PgDn");
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.key()))
        .block(with_hint(block(title), hint));
    frame.render_widget(table, table_area);
    if let Some((_, f)) = findings.get(state.selected) {
        let id = f
            .message
            .as_ref()
            .and_then(|m| m.message_id.as_deref())
            .map(|id| format!(" Message-ID: {}", clean(id)))
            .unwrap_or_default();
        frame.render_widget(
            Paragraph::new(vec![
                Line::styled(format!(" {}", clean(&f.reason.describe(lang))), theme.dim()),
                Line::styled(id, theme.dim()),
            ]),
            detail_area,
        );
    }
}

fn headers_view(
    app: &App,
    subject: &str,
    where_: &str,
    headers: &Headers,
    scroll: u16,
    frame: &mut Frame,
    area: Rect,
) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let outer = block(format!(
        " {}: {} ",
        lang.pick("ヘッダー", "Headers"),
        clean(subject)
    ));
    let inner = outer.inner(area);
    let [where_area, text_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    frame.render_widget(
        Paragraph::new(Line::styled(where_.to_string(), theme.dim())),
        where_area,
    );
    let lines: Vec<Line> = match headers {
        Headers::Loading => vec![Line::styled(
            lang.pick(
                "ヘッダーを読み取り中 (BODY.PEEK、既読にはなりません)...",
                "Reading the header (BODY.PEEK: nothing is marked read)...",
            ),
            theme.busy(),
        )],
        Headers::Failed(reason) => vec![
            Line::styled(
                lang.pick("読み取れませんでした:", "Could not read it:"),
                theme.bad(),
            ),
            Line::raw(clean(reason)),
        ],
        Headers::Loaded(text) => text
            .lines()
            .map(|l| {
                let l = l.replace('\t', "    ");
                // Field names stand out; continuation lines stay plain.
                match l.split_once(':') {
                    Some((name, rest)) if !l.starts_with(' ') && !name.contains(' ') => {
                        Line::from(vec![
                            Span::styled(format!("{}:", clean(name)), theme.key()),
                            Span::raw(clean(rest)),
                        ])
                    }
                    _ => Line::raw(clean(&l)),
                }
            })
            .collect(),
    };
    // Wrapped here, so the rows are known: the scroll stops at the last page.
    let lines = super::wrap(lines, text_area.width);
    let fit = usize::from(text_area.height).max(1);
    let first = usize::from(scroll).min(lines.len().saturating_sub(fit));
    let hint = super::scroll_hint(lang, first, fit, lines.len(), "Up/Dn PgUp/PgDn");
    frame.render_widget(with_hint(outer, hint), area);
    frame.render_widget(
        Paragraph::new(lines).scroll((u16::try_from(first).unwrap_or(u16::MAX), 0)),
        text_area,
    );
}

fn plan_table<'a>(items: &'a [PlanItem], lang: Lang, app: &App) -> Table<'a> {
    let theme = Theme::of(app);
    let rows = items.iter().map(|i| {
        Row::new(vec![
            Cell::from(clean(&i.old_folder)),
            Cell::from(format!("-> {}", clean(&i.new_folder))),
            Cell::from(short_date(i.date.as_deref())),
            Cell::from(clean(i.subject.as_deref().unwrap_or(""))),
            Cell::from(Line::from(human_size(i.size)).right_aligned()),
        ])
    });
    Table::new(
        rows,
        [
            Constraint::Fill(2),
            Constraint::Fill(2),
            Constraint::Length(10),
            Constraint::Fill(4),
            Constraint::Length(9),
        ],
    )
    .header(
        Row::new(vec![
            Cell::from(lang.pick("旧フォルダ", "Old folder")),
            Cell::from(lang.pick("新フォルダ", "New folder")),
            Cell::from(lang.pick("日付", "Date")),
            Cell::from(lang.pick("件名", "Subject")),
            Cell::from(Line::from(lang.pick("サイズ", "Size")).right_aligned()),
        ])
        .style(theme.key()),
    )
}

fn restore_view(
    app: &App,
    outcome: &VerifyOutcome,
    plan: &[PlanItem],
    folders_to_create: &[String],
    step: &RestoreStep,
    frame: &mut Frame,
    area: Rect,
) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let bytes: u64 = plan.iter().map(|i| i.size).sum();
    let title = match lang {
        Lang::Ja => format!(
            " 復元計画: {} 通 ({}) 旧サーバー -> 新サーバー {} ",
            plan.len(),
            human_size(bytes),
            clean(&outcome.report.new_server)
        ),
        Lang::En => format!(
            " Restore plan: {} messages ({}) old -> new server {} ",
            plan.len(),
            human_size(bytes),
            clean(&outcome.report.new_server)
        ),
    };
    let outer = block(title);
    let inner = outer.inner(area);
    let [intro, table_area, notes] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(3),
    ])
    .areas(inner);
    // The plan's (or the results') rows under the table's header; Up/Dn PgUp/PgDn scroll.
    let rows = match step {
        RestoreStep::Done(Ok(results)) => results.len(),
        _ => plan.len(),
    };
    let fit = usize::from(table_area.height.saturating_sub(1)).max(1);
    let first = app.verify.plan_offset.min(rows.saturating_sub(fit));
    let hint = super::scroll_hint(lang, first, fit, rows, "Up/Dn PgUp/PgDn");
    frame.render_widget(with_hint(outer, hint), area);
    frame.render_widget(
        wrapped(
            [Line::raw(lang.pick(
                "旧サーバーは変更しません。新サーバーに追加 (APPEND) するだけで、既にあるメールは飛ばします。",
                "The old server is not changed. Messages are added (APPEND) to the new server; ones already there are skipped.",
            ))],
            intro.width,
        ),
        intro,
    );
    match step {
        RestoreStep::Plan | RestoreStep::Applying => {
            frame.render_widget(
                plan_table(&plan[first.min(plan.len())..], lang, app),
                table_area,
            );
            let mut lines: Vec<Line> = folders_to_create
                .iter()
                .map(|f| {
                    Line::raw(match lang {
                        Lang::Ja => format!("新フォルダ「{}」を作成します。", clean(f)),
                        Lang::En => format!("The new folder {} will be created.", clean(f)),
                    })
                })
                .collect();
            if plan.is_empty() {
                lines.push(Line::styled(
                    lang.pick(
                        "戻せるメールがありません (サイズ超過、または旧サーバーにありません)。",
                        "Nothing to restore (too large, or no longer on the old server).",
                    ),
                    theme.bad(),
                ));
            } else if matches!(step, RestoreStep::Applying) {
                lines.push(Line::styled(
                    lang.pick("新サーバーへ復元中...", "Restoring to the new server..."),
                    theme.busy(),
                ));
            } else {
                lines.push(Line::styled(
                    lang.pick(
                        "y で実行します。Esc でやめます。",
                        "Press y to restore them now, Esc to go back.",
                    ),
                    theme.key(),
                ));
            }
            frame.render_widget(wrapped(lines, notes.width), notes);
        }
        RestoreStep::Done(Err(reason)) => {
            let lines = vec![
                Line::styled(
                    lang.pick("復元できませんでした:", "The restore failed:"),
                    theme.bad(),
                ),
                Line::raw(clean(reason)),
            ];
            frame.render_widget(wrapped(lines, table_area.width), table_area);
        }
        RestoreStep::Done(Ok(results)) => {
            frame.render_widget(
                results_table(&results[first.min(results.len())..], app),
                table_area,
            );
            let count = |o: ItemOutcome| results.iter().filter(|r| r.outcome == o).count();
            let failed = count(ItemOutcome::Failed) + count(ItemOutcome::TooLarge);
            let line = match lang {
                Lang::Ja => format!(
                    "追加 {} 通、既存 {} 通、失敗 {} 通。v で再検証して確かめてください。",
                    count(ItemOutcome::Appended),
                    count(ItemOutcome::AlreadyPresent),
                    failed
                ),
                Lang::En => format!(
                    "{} appended, {} already there, {} failed. Press v to verify again.",
                    count(ItemOutcome::Appended),
                    count(ItemOutcome::AlreadyPresent),
                    failed
                ),
            };
            frame.render_widget(
                wrapped(
                    [Line::styled(
                        line,
                        if failed > 0 { theme.bad() } else { theme.ok() },
                    )],
                    notes.width,
                ),
                notes,
            );
        }
    }
}

fn results_table<'a>(results: &'a [ItemResult], app: &App) -> Table<'a> {
    let lang = app.lang;
    let theme = Theme::of(app);
    let rows = results.iter().map(|r| {
        let (what, style) = match r.outcome {
            ItemOutcome::Appended => (lang.pick("追加", "appended"), theme.ok()),
            ItemOutcome::AlreadyPresent => (lang.pick("既存", "already there"), Style::default()),
            ItemOutcome::TooLarge => (lang.pick("大きすぎ", "too large"), theme.bad()),
            ItemOutcome::Failed => (lang.pick("失敗", "FAILED"), theme.bad()),
        };
        let mut subject = clean(r.item.subject.as_deref().unwrap_or(""));
        if let Some(e) = &r.error {
            subject.push_str(&format!(" ({})", clean(e)));
        }
        Row::new(vec![
            Cell::from(what).style(style),
            Cell::from(clean(&r.item.new_folder)),
            Cell::from(subject),
        ])
    });
    Table::new(
        rows,
        [
            Constraint::Length(13),
            Constraint::Max(20),
            Constraint::Fill(1),
        ],
    )
    .header(
        Row::new(vec![
            Cell::from(lang.pick("結果", "Result")),
            Cell::from(lang.pick("新フォルダ", "New folder")),
            Cell::from(lang.pick("件名", "Subject")),
        ])
        .style(theme.key()),
    )
}
