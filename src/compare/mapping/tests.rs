use super::*;
use crate::compare::path::tests::folder;

fn legacy(name: &str) -> FolderInfo {
    folder(name, Some('.'))
}

fn exchange(name: &str) -> FolderInfo {
    folder(name, Some('/'))
}

fn with_use(mut f: FolderInfo, use_: SpecialUse) -> FolderInfo {
    f.special_use = Some(use_);
    f
}

fn noselect(mut f: FolderInfo) -> FolderInfo {
    f.selectable = false;
    f
}

fn exchange_en() -> Vec<FolderInfo> {
    [
        "INBOX",
        "Sent Items",
        "Deleted Items",
        "Junk Email",
        "Drafts",
        "Archive",
    ]
    .into_iter()
    .map(exchange)
    .collect()
}

fn exchange_ja() -> Vec<FolderInfo> {
    [
        "INBOX",
        "送信済みアイテム",
        "削除済みアイテム",
        "迷惑メール",
        "下書き",
        "アーカイブ",
    ]
    .into_iter()
    .map(exchange)
    .collect()
}

fn target(mapping: &Mapping, old: &str) -> Option<(String, MapReason)> {
    mapping.new_for(old).map(|e| (e.new.clone(), e.reason))
}

#[test]
fn name_rules_map_legacy_names_to_exchange_names() {
    let cases = [
        ("Sent", NameRule::Sent, "Sent Items", "送信済みアイテム"),
        (
            "Sent Messages",
            NameRule::Sent,
            "Sent Items",
            "送信済みアイテム",
        ),
        (
            "Sent Mail",
            NameRule::Sent,
            "Sent Items",
            "送信済みアイテム",
        ),
        ("送信済み", NameRule::Sent, "Sent Items", "送信済みアイテム"),
        (
            "送信済みトレイ",
            NameRule::Sent,
            "Sent Items",
            "送信済みアイテム",
        ),
        (
            "送信済みメール",
            NameRule::Sent,
            "Sent Items",
            "送信済みアイテム",
        ),
        (
            "Trash",
            NameRule::Trash,
            "Deleted Items",
            "削除済みアイテム",
        ),
        (
            "Deleted Messages",
            NameRule::Trash,
            "Deleted Items",
            "削除済みアイテム",
        ),
        (
            "ごみ箱",
            NameRule::Trash,
            "Deleted Items",
            "削除済みアイテム",
        ),
        (
            "ゴミ箱",
            NameRule::Trash,
            "Deleted Items",
            "削除済みアイテム",
        ),
        (
            "削除済み",
            NameRule::Trash,
            "Deleted Items",
            "削除済みアイテム",
        ),
        ("Junk", NameRule::Junk, "Junk Email", "迷惑メール"),
        ("Spam", NameRule::Junk, "Junk Email", "迷惑メール"),
        ("迷惑メール", NameRule::Junk, "Junk Email", "迷惑メール"),
        ("Drafts", NameRule::Drafts, "Drafts", "下書き"),
        ("下書き", NameRule::Drafts, "Drafts", "下書き"),
        ("Archive", NameRule::Archive, "Archive", "アーカイブ"),
        ("Archives", NameRule::Archive, "Archive", "アーカイブ"),
        ("アーカイブ", NameRule::Archive, "Archive", "アーカイブ"),
    ];
    for (old_name, rule, en, ja) in cases {
        let full = format!("INBOX.{old_name}");
        let old = [legacy("INBOX"), legacy(&full)];
        for (new, expected) in [(exchange_en(), en), (exchange_ja(), ja)] {
            let mapping = map_folders(&old, &new, &[]);
            assert_eq!(
                target(&mapping, &full),
                Some((expected.to_string(), MapReason::NameRule(rule))),
                "{old_name} -> {expected}"
            );
        }
    }
}

#[test]
fn inbox_maps_to_inbox_whatever_the_case() {
    let old = [legacy("INBOX"), legacy("INBOX.x")];
    let new = [exchange("Inbox")];
    let mapping = map_folders(&old, &new, &[]);
    assert_eq!(
        target(&mapping, "INBOX"),
        Some(("Inbox".to_string(), MapReason::SamePath))
    );
}

#[test]
fn special_use_on_both_sides_beats_names() {
    let old = [
        legacy("INBOX"),
        with_use(legacy("INBOX.Outbox-copies"), SpecialUse::Sent),
    ];
    let new = [
        exchange("INBOX"),
        exchange("Sent Items"),
        with_use(exchange("送信済みアイテム"), SpecialUse::Sent),
    ];
    let mapping = map_folders(&old, &new, &[]);
    assert_eq!(
        target(&mapping, "INBOX.Outbox-copies"),
        Some((
            "送信済みアイテム".to_string(),
            MapReason::SpecialUse(SpecialUse::Sent)
        ))
    );
}

#[test]
fn special_use_on_one_side_falls_to_name_rules() {
    // Old has \Sent on an unusual name; new has no attributes.
    let old = [
        legacy("INBOX"),
        with_use(legacy("INBOX.Outbox-copies"), SpecialUse::Sent),
    ];
    let mapping = map_folders(&old, &exchange_en(), &[]);
    assert_eq!(
        target(&mapping, "INBOX.Outbox-copies"),
        Some((
            "Sent Items".to_string(),
            MapReason::NameRule(NameRule::Sent)
        ))
    );
    // New has \Junk on its folder; old has only a known name.
    let old = [legacy("INBOX"), legacy("INBOX.Spam")];
    let new = [
        exchange("INBOX"),
        with_use(exchange("Junk Email"), SpecialUse::Junk),
    ];
    let mapping = map_folders(&old, &new, &[]);
    assert_eq!(
        target(&mapping, "INBOX.Spam"),
        Some((
            "Junk Email".to_string(),
            MapReason::NameRule(NameRule::Junk)
        ))
    );
}

#[test]
fn overrides_come_first_and_accept_several_spellings() {
    let old = [
        legacy("INBOX"),
        with_use(legacy("INBOX.Sent"), SpecialUse::Sent),
        legacy("INBOX.研究室"),
        legacy("INBOX.old"),
    ];
    let mut new = exchange_en();
    new.push(exchange("Archive/研究室"));
    let overrides = vec![
        ("INBOX.Sent".to_string(), "Archive".to_string()),
        ("研究室".to_string(), "archive/研究室".to_string()),
        ("INBOX/old".to_string(), "Old mail".to_string()),
        ("Nowhere".to_string(), "Archive".to_string()),
    ];
    let mapping = map_folders(&old, &new, &overrides);
    let expected = [
        ("INBOX.Sent", "Archive"),
        // Case-insensitive on the new side, as Exchange is.
        ("INBOX.研究室", "Archive/研究室"),
        // A target absent on new is kept: its count then shows 0.
        ("INBOX.old", "Old mail"),
    ];
    for (old_name, new_name) in expected {
        assert_eq!(
            target(&mapping, old_name),
            Some((new_name.to_string(), MapReason::Override)),
            "{old_name}"
        );
    }
    assert_eq!(
        mapping.unused_overrides,
        [("Nowhere".to_string(), "Archive".to_string())]
    );
}

#[test]
fn same_path_across_delimiters_and_prefix() {
    let old = [
        legacy("INBOX"),
        legacy("INBOX.仕事"),
        legacy("INBOX.仕事.2024"),
        legacy("INBOX.projects"),
        legacy("INBOX.only-under-inbox"),
    ];
    let new = [
        exchange("INBOX"),
        exchange("仕事"),
        exchange("仕事/2024"),
        exchange("Projects"),
        exchange("INBOX/only-under-inbox"),
    ];
    let mapping = map_folders(&old, &new, &[]);
    let cases = [
        ("INBOX.仕事", "仕事"),
        ("INBOX.仕事.2024", "仕事/2024"),
        ("INBOX.projects", "Projects"),
        ("INBOX.only-under-inbox", "INBOX/only-under-inbox"),
    ];
    for (old_name, new_name) in cases {
        assert_eq!(
            target(&mapping, old_name),
            Some((new_name.to_string(), MapReason::SamePath)),
            "{old_name}"
        );
    }
    assert!(mapping.unmapped_old.is_empty());
    assert!(mapping.unmapped_new.is_empty());
}

#[test]
fn exact_case_wins_and_ambiguous_case_stays_unmapped() {
    let old = [
        folder("INBOX", Some('/')),
        folder("Notes", Some('/')),
        folder("misc", Some('/')),
    ];
    let new = [
        exchange("INBOX"),
        exchange("notes"),
        exchange("Notes"),
        exchange("MISC"),
        exchange("Misc"),
    ];
    let mapping = map_folders(&old, &new, &[]);
    assert_eq!(
        target(&mapping, "Notes"),
        Some(("Notes".to_string(), MapReason::SamePath))
    );
    assert_eq!(mapping.unmapped_old, ["misc"]);
    assert_eq!(mapping.unmapped_new, ["notes", "MISC", "Misc"]);
}

#[test]
fn dovecot_layout_keeps_real_inbox_subfolders() {
    let old = [
        folder("INBOX", Some('/')),
        folder("INBOX/sub", Some('/')),
        folder("Sent", Some('/')),
    ];
    let new = [
        exchange("INBOX"),
        exchange("sub"),
        exchange("INBOX/sub"),
        exchange("Sent Items"),
    ];
    let mapping = map_folders(&old, &new, &[]);
    assert_eq!(
        target(&mapping, "INBOX/sub"),
        Some(("INBOX/sub".to_string(), MapReason::SamePath))
    );
    assert_eq!(mapping.unmapped_new, ["sub"]);
}

#[test]
fn several_old_folders_share_one_new_folder() {
    let old = [
        legacy("INBOX"),
        legacy("INBOX.Sent"),
        legacy("INBOX.送信済みトレイ"),
    ];
    let mapping = map_folders(&old, &exchange_ja(), &[]);
    let groups = mapping.groups();
    assert_eq!(
        groups,
        [
            FolderGroup {
                new: "INBOX".into(),
                old: vec!["INBOX".into()]
            },
            FolderGroup {
                new: "送信済みアイテム".into(),
                old: vec!["INBOX.Sent".into(), "INBOX.送信済みトレイ".into()]
            },
        ]
    );
}

#[test]
fn noselect_folders_take_part_in_nothing() {
    let old = [
        legacy("INBOX"),
        noselect(legacy("INBOX.container")),
        legacy("INBOX.container.leaf"),
    ];
    let new = [
        exchange("INBOX"),
        noselect(exchange("Calendar")),
        exchange("container/leaf"),
    ];
    let overrides = vec![("INBOX.container".to_string(), "INBOX".to_string())];
    let mapping = map_folders(&old, &new, &overrides);
    assert!(mapping.new_for("INBOX.container").is_none());
    assert!(mapping.unmapped_old.is_empty());
    assert!(mapping.unmapped_new.is_empty());
    assert_eq!(mapping.unused_overrides.len(), 1);
    assert_eq!(
        target(&mapping, "INBOX.container.leaf"),
        Some(("container/leaf".to_string(), MapReason::SamePath))
    );
}

#[test]
fn unmapped_on_both_sides_are_listed() {
    let old = [legacy("INBOX"), legacy("INBOX.旧プロジェクト")];
    let mut new = exchange_en();
    new.push(exchange("Conversation History"));
    let mapping = map_folders(&old, &new, &[]);
    assert!(mapping.unmapped_old.is_empty());
    assert_eq!(
        target(&mapping, "INBOX.旧プロジェクト"),
        Some(("旧プロジェクト".to_string(), MapReason::NotOnNew)),
        "missing on new: mapped to the name restore creates"
    );
    let nested = [legacy("INBOX"), legacy("INBOX.a.b")];
    let mapping = map_folders(&nested, &exchange_en(), &[]);
    assert_eq!(
        target(&mapping, "INBOX.a.b"),
        Some(("a/b".to_string(), MapReason::NotOnNew))
    );
    let mapping = map_folders(&old, &new, &[]);
    assert_eq!(
        mapping.unmapped_new,
        [
            "Sent Items",
            "Deleted Items",
            "Junk Email",
            "Drafts",
            "Archive",
            "Conversation History"
        ]
    );
}

#[test]
fn reasons_describe_and_serialize() {
    let reasons = [
        (MapReason::Override, r#"{"rule":"override"}"#),
        (
            MapReason::SpecialUse(SpecialUse::Sent),
            r#"{"rule":"special_use","detail":"sent"}"#,
        ),
        (
            MapReason::NameRule(NameRule::Junk),
            r#"{"rule":"name_rule","detail":"junk"}"#,
        ),
        (MapReason::SamePath, r#"{"rule":"same_path"}"#),
    ];
    for (reason, json) in reasons {
        assert_eq!(serde_json::to_string(&reason).expect("serialize"), json);
        let ja = reason.describe(Lang::Ja);
        let en = reason.describe(Lang::En);
        assert!(!ja.is_empty() && ja != en, "{reason:?}");
        assert_eq!(reason.to_string(), en);
    }
    assert_eq!(
        MapReason::SpecialUse(SpecialUse::Sent).describe(Lang::En),
        "SPECIAL-USE on both servers (\\Sent)"
    );
}
