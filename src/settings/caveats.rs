//! # Caveats from the IT centre's briefing, chosen by protocol and client

use super::{Auth, Caveat, Client, ClientSettings, Protocol};

fn caveat(id: &str, ja: &str, en: &str) -> Caveat {
    Caveat {
        id: id.to_string(),
        ja: ja.to_string(),
        en: en.to_string(),
    }
}

/// The caveats that apply to these settings, in the order a user meets them.
pub(super) fn for_settings(settings: &ClientSettings) -> Vec<Caveat> {
    let has = |p: Protocol| settings.servers.iter().any(|s| s.protocol == p);
    let receiving = has(Protocol::Imap) || has(Protocol::Pop);
    let mut out = Vec::new();
    if settings
        .servers
        .iter()
        .any(|s| s.auth == Auth::Oauth2 && s.protocol != Protocol::Exchange)
    {
        out.push(caveat(
            "oauth2",
            "ID とパスワードだけの基本認証は使えません。認証方式は OAuth2（先進認証）を選び、表示される Microsoft のサインイン画面でサインインしてください。",
            "Basic authentication (user name and password only) is not accepted. Choose OAuth2 (\"modern authentication\") and sign in on the Microsoft page that opens.",
        ));
    }
    if has(Protocol::Exchange) {
        out.push(caveat(
            "exchange-autoconfig",
            "Exchange で設定するとメールアドレスだけで自動設定され、設定の変更はできません。発信者名は組織の登録名（漢字の氏名）に固定されます。",
            "An Exchange account configures itself from the address alone and cannot be customised; the sender name is fixed to the name in the directory.",
        ));
    }
    if has(Protocol::Pop) {
        out.push(caveat(
            "pop-leave-on-server",
            "旧サーバの POP アカウントで「メールをサーバに残す」が有効だと、センターが移行したメールをもう一度受信し、受信トレイに同じメールが 2 通並びます。受信トレイが 1 つのソフト（Mac 版 Outlook など）では事前に受信トレイのメールを別フォルダへ移してください。",
            "If the old POP account has \"leave messages on server\" on, the copies the centre migrated are downloaded again and the Inbox shows every message twice. In programs with one shared Inbox (Outlook for Mac) move the Inbox mail to another folder first.",
        ));
    }
    out.push(caveat(
        "sent-on-old-server",
        "移行作業の後に旧サーバのアカウントから返信・送信したメールは旧サーバの送信済みトレイに残り、新サーバには移行されません。差出人を新しいアカウントに切り替えるか、旧アカウントの送信サーバを新サーバに変更してください。",
        "Mail you reply to or send from the old account after the centre copied your mailbox stays in the old server's Sent folder and is not migrated. Switch the From account to the new one, or set the old account's outgoing server to the new server.",
    ));
    if receiving {
        out.push(caveat(
            "two-accounts",
            "移行期間中は旧・新 2 つのアカウントが同じアドレスで並びます。旧アカウントの名前を「旧 …」に変えて区別してください。旧サーバ上でメールを移動・コピーしないでください。",
            "During the parallel period the old and the new account carry the same address; rename the old one (e.g. \"OLD …\") to tell them apart, and do not move or copy mail on the old server.",
        ));
    }
    if let Some(client) = settings.client {
        out.push(client_caveat(client, settings));
    }
    out
}

fn client_caveat(client: Client, settings: &ClientSettings) -> Caveat {
    match client {
        Client::Thunderbird => caveat(
            "client-thunderbird",
            "Thunderbird: 「アカウント設定」→「送信控えと特別なフォルダー」で旧アカウントの送信済みメールの保存先を新アカウントの「送信済みトレイ」にし、旧アカウントの送信 (SMTP) サーバも新サーバに変更できます。",
            "Thunderbird: in Account Settings > Copies & Folders, file the old account's sent copies in the new account's Sent folder; the old account's outgoing (SMTP) server can be changed to the new server too.",
        ),
        Client::Outlook if settings.exchange_online => caveat(
            "client-outlook",
            "Outlook: 「アカウントの追加」でメールアドレスを入力すると Exchange（Microsoft 365）として自動設定されます。IMAP/POP で使う場合は「詳細オプション」→「自分で自分のアカウントを手動で設定」を選びます。",
            "Outlook: Add Account and type the address; it sets itself up as Exchange (Microsoft 365). For IMAP/POP choose Advanced options > Let me set up my account manually.",
        ),
        Client::Outlook => caveat(
            "client-outlook",
            "Outlook: 「詳細オプション」→「自分で自分のアカウントを手動で設定」を選び、上の値を入力します。",
            "Outlook: choose Advanced options > Let me set up my account manually and type the values above.",
        ),
        Client::Apple => caveat(
            "client-apple",
            "Mac の「メール」: アカウント追加で「Microsoft Exchange」を選ぶとサインイン画面から設定できます。送信時は差出人のアカウントを新アカウントにしてください。",
            "Apple Mail on the Mac: add a \"Microsoft Exchange\" account and sign in on the page shown. When sending, pick the new account as the From address.",
        ),
        Client::Ios => caveat(
            "client-ios",
            "iPhone / iPad: 「設定」→「メール」→「アカウント」→「アカウントを追加」→「Microsoft Exchange」、または Microsoft Outlook アプリを使います。IT センターの .mobileconfig があればそれを開くだけで設定できます。",
            "iPhone / iPad: Settings > Mail > Accounts > Add Account > Microsoft Exchange, or use the Microsoft Outlook app. If the IT centre hands out a .mobileconfig, opening it is all you need.",
        ),
        Client::Android => caveat(
            "client-android",
            "Android: Microsoft Outlook アプリを使うのが確実です。Gmail アプリでは「Exchange と Office 365」を選びます。",
            "Android: the Microsoft Outlook app is the safest choice; in the Gmail app choose \"Exchange and Office 365\".",
        ),
    }
}
