//! # Word lists for the corpus
//!
//! Names, subjects and sentences of the kind a Japanese university mailbox holds. Every
//! string is representable in JIS X 0208, so ISO-2022-JP and Shift_JIS encode them losslessly.

/// A correspondent: display name, address, and whether they write in Japanese.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub name: &'static str,
    pub addr: &'static str,
    pub ja: bool,
}

/// The mailbox owner (the migrating user).
pub const OWNER: Person = Person {
    name: "山田 太郎",
    addr: "taro@example-univ.test",
    ja: true,
};

pub const PEOPLE: &[Person] = &[
    Person {
        name: "佐藤 花子",
        addr: "hanako.sato@example-univ.test",
        ja: true,
    },
    Person {
        name: "鈴木 一郎",
        addr: "ichiro.suzuki@example-univ.test",
        ja: true,
    },
    Person {
        name: "高橋 美咲",
        addr: "misaki@lab.example-univ.test",
        ja: true,
    },
    Person {
        name: "田中 健",
        addr: "ken.tanaka@example-univ.test",
        ja: true,
    },
    Person {
        name: "伊藤 直子",
        addr: "naoko.ito@example-univ.test",
        ja: true,
    },
    Person {
        name: "渡辺 翔太",
        addr: "shota-w@example.jp",
        ja: true,
    },
    Person {
        name: "中村 由美",
        addr: "yumi.nakamura@example.co.jp",
        ja: true,
    },
    Person {
        name: "小林 誠",
        addr: "makoto@lab.example-univ.test",
        ja: true,
    },
    Person {
        name: "加藤 愛",
        addr: "ai.kato@example.ne.jp",
        ja: true,
    },
    Person {
        name: "事務室",
        addr: "office@example-univ.test",
        ja: true,
    },
    Person {
        name: "情報基盤センター",
        addr: "helpdesk@example-univ.test",
        ja: true,
    },
    Person {
        name: "John Smith",
        addr: "john.smith@example.com",
        ja: false,
    },
    Person {
        name: "Maria Garcia",
        addr: "maria.garcia@example.org",
        ja: false,
    },
    Person {
        name: "Wei Chen",
        addr: "wchen@cs.example.edu",
        ja: false,
    },
    Person {
        name: "O'Brien, Patrick",
        addr: "pobrien@example.net",
        ja: false,
    },
];

pub const SPAMMERS: &[Person] = &[
    Person {
        name: "Account Security",
        addr: "security@paypa1.example.net",
        ja: false,
    },
    Person {
        name: "お得な情報",
        addr: "info@campaign.example.biz",
        ja: true,
    },
    Person {
        name: "Lottery Dept.",
        addr: "winner@example.info",
        ja: false,
    },
    Person {
        name: "カード会社",
        addr: "support@card-verify.example.com",
        ja: true,
    },
];

pub const LISTS: &[(&str, &str, &str)] = &[
    (
        "学内ニュース",
        "news@example-univ.test",
        "news.example-univ.test",
    ),
    (
        "ikou-users",
        "ikou-users@lists.example.org",
        "ikou-users.lists.example.org",
    ),
    (
        "図書館メールマガジン",
        "library@example-univ.test",
        "library.example-univ.test",
    ),
];

pub const SUBJECTS_JA: &[&str] = &[
    "研究室ミーティングのお知らせ",
    "来週のゼミについて",
    "【重要】システムメンテナンスのお知らせ",
    "論文の査読結果について",
    "出張報告書の提出について",
    "学会発表の申し込み",
    "科研費の書類について",
    "忘年会のご案内",
    "会議室の予約確認",
    "実験データの共有",
    "図書館からのお知らせ",
    "レポート提出の件",
    "打ち合わせ日程の調整",
    "請求書送付のご案内",
    "パスワード変更のお願い",
    "卒業論文の進捗報告",
    "新年のご挨拶",
    "アンケートご協力のお願い",
    "【至急】明日の講義室変更について",
    "共同研究の打ち合わせ（第３回）議事録",
    "メールサーバ移行に関するお知らせ",
    "ＴＡ業務の勤務表提出のお願い",
];

pub const SUBJECTS_EN: &[&str] = &[
    "Meeting notes",
    "Draft paper for review",
    "Conference registration confirmation",
    "Invitation: project sync",
    "Lunch on Friday?",
    "Slides from yesterday's talk",
    "Call for papers: Workshop on Mail Systems 2024",
    "Your visa support letter",
    "Reviewer assignment",
    "Quick question about the dataset",
];

pub const SUBJECTS_SPAM: &[&str] = &[
    "【緊急】アカウントが一時停止されました",
    "Your account has been suspended",
    "当選のお知らせ",
    "You have won a prize!!!",
    "カードご利用確認のお願い",
];

pub const SENTENCES_JA: &[&str] = &[
    "いつもお世話になっております。",
    "来週の打ち合わせについてご連絡いたします。",
    "資料を添付いたしますので、ご確認ください。",
    "ご不明な点がございましたら、お気軽にお問い合わせください。",
    "日程は以下の通りです。",
    "会場は第三会議室を予定しております。",
    "締め切りは今月末となっておりますのでご注意ください。",
    "先日はありがとうございました。",
    "実験の結果について簡単にまとめました。",
    "詳細は追ってご連絡いたします。",
    "お手数をおかけしますが、ご対応のほどよろしくお願いいたします。",
    "前回の議事録を共有します。修正があればお知らせください。",
    "測定値のばらつきが大きいため、再実験を検討しています。",
    "参加可否を金曜日までにご返信いただけますと幸いです。",
    "サーバの停止時間中はメールの送受信ができません。",
    "ファイルが大きいため、分割して送付いたします。",
    "引き続きどうぞよろしくお願いいたします。",
];

pub const SENTENCES_EN: &[&str] = &[
    "Thanks for your message.",
    "Please find the updated draft attached.",
    "Let me know if Thursday afternoon works for you.",
    "I have gone through the reviewer comments and addressed most of them.",
    "The registration deadline is at the end of this month.",
    "We will meet in room 301 as usual.",
    "I am not sure the numbers in Table 2 are correct, could you double-check?",
    "Looking forward to seeing you at the conference.",
    "Best regards,",
];

pub const SPAM_BODY: &[&str] = &[
    "お客様のアカウントで不審なログインが検出されました。",
    "以下のリンクから本人確認を行ってください。",
    "Click the link below within 24 hours to avoid suspension.",
    "http://example.invalid/verify",
];

pub const ATTACHMENTS: &[(&str, &str)] = &[
    ("資料.pdf", "application/pdf"),
    (
        "議事録_2024年度.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "実験データ.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("写真.jpg", "image/jpeg"),
    ("report.pdf", "application/pdf"),
    (
        "発表スライド_最終版_修正済み_提出用.pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("見積書.pdf", "application/pdf"),
    ("data.zip", "application/zip"),
    ("screenshot.png", "image/png"),
];

pub const MAILERS: &[&str] = &[
    "Becky! ver. 2.75.02 [ja]",
    "Microsoft Outlook 16.0",
    "Mozilla Thunderbird",
    "Shuriken Pro3 3.2.5",
    "Apple Mail (2.3696.120.41.1.1)",
    "Datula 2.20",
];
