### doctor — Japanese. Ids start with "doctor-"; the same ids live in ../en/doctor.ftl.

doctor-doctor = 診断
doctor-finds-out-why-mail-programs = メールソフトの自動設定がうまくいかない理由を調べます: MX、SRV、autodiscover、SPF、DKIM など。
doctor-the-diagnosis-failed = 診断できませんでした:
doctor-d-try-again = d: もう一度
doctor-meaning = 意味:
doctor-fix = 対処:
doctor-warn = 警告
doctor-error = エラー
doctor-autoconfig = 自動設定
doctor-login = ログイン
doctor-mail-client = メールソフト
doctor-tui-press-d = d または Enter で { $domain } を診断します。
doctor-tui-running = { $domain } を診断中...
doctor-tui-title = 診断: { $domain } — OK { $ok } / 警告 { $warnings } / エラー { $errors }
doctor-nothing-to-check = 診断する対象がありません: アドレス（`ikou doctor taro@example-univ.ac.jp`）、--domain、または [organisation] domain のあるプロファイルを指定してください
doctor-summary = 結果: OK { $ok } 件、警告 { $warnings } 件、エラー { $errors } 件

## 診断結果: 種類ごとに 1 つのメッセージ `doctor-<id>`（JSON と文書に出る id）。`.meaning`
## （意味）と `.fix`（対処）を持つ。OK の結果はどちらも持たないか、意味だけを持つ。
## `$role` は `old` か `new`、`$reason` は `timeout` かシステムの言葉。

doctor-role = { $role ->
    [old] 旧サーバ
   *[new] 新サーバ
}
doctor-reason = { $reason ->
    [timeout] 時間切れ
   *[other] { $reason }
}
# 応答のなかった URL ひとつ（一覧の中の一行）。
doctor-tried = { $url }（{ doctor-reason }）

doctor-dns-no-answer = DNS サーバ { $server } から応答がありません（{ doctor-reason }）
    .meaning = DNS を確認できないため、MX・自動設定・SPF などの確認をすべて省きました。
    .fix = ネットワーク接続と DNS サーバの設定を確かめてください。学外からは VPN が必要な場合があります。
doctor-dns-no-domain = DNS サーバ { $server } によると { $domain } というドメインは存在しません
    .meaning = アドレスの綴りが違うか、この DNS サーバからは見えないドメインです（学内と学外で DNS が違う場合など）。
    .fix = アドレスのドメインを確かめてください。学内の DNS でだけ引ける場合は --dns-server で学内の DNS サーバを指定してください。
doctor-dns-lookup-failed = { $name } の { $what } を引けませんでした（{ doctor-reason }）
    .meaning = この項目は確認できていません。
    .fix = しばらくして再実行するか、別の DNS サーバ（--dns-server）で確かめてください。
doctor-mx-missing = { $domain } に MX レコードがありません
    .meaning = このドメイン宛てのメールは配送されません（A レコードへの配送に頼ることになります）。
    .fix = DNS に MX レコードを登録してください（Exchange Online なら <テナント>.mail.protection.outlook.com）。
doctor-mx-mixed = MX に Exchange Online と旧サーバが混在しています: { $listed }
    .meaning = 送信元によって配送先が変わります。相手も Exchange Online の場合、優先度の低い Exchange Online の MX へ直接配送され、旧サーバにしかないメールボックス宛てのメールが届かなくなります（実例あり）。
    .fix = 移行の切り替え日に MX を Exchange Online だけにしてください。それまでは旧サーバの MX だけにし、Exchange Online の MX は追加しないでください。
doctor-mx-not-switched = 切り替え日を過ぎても MX が旧サーバのままです: { $listed }
    .meaning = 新着メールは旧サーバに届き続け、新サーバには届きません。
    .fix = MX を Exchange Online（<テナント>.mail.protection.outlook.com）に切り替えてください。
doctor-mx-exchange-online = MX は Exchange Online です: { $listed }
doctor-mx-found = MX: { $listed }
doctor-autodiscover-cname-missing = { $name } の CNAME がありません
    .meaning = Outlook は Exchange Online のアカウントを自動設定できません（実例: CNAME を登録するまで Outlook が設定できなかった）。
    .fix = DNS に autodiscover CNAME autodiscover.outlook.com を登録してください。MX を切り替える前に登録して構いません。
doctor-autodiscover-cname-wrong = { $name } の CNAME が { $target } を指しています（{ $expected } ではありません）
    .meaning = Outlook やスマートフォンは Exchange Online の設定を見つけられず、自動設定に失敗するか古い設定を受け取ります。
    .fix = autodiscover の CNAME を autodiscover.outlook.com に変更してください。
doctor-autodiscover-cname-ok = { $name } → { $target }
doctor-autodiscover-cname = { $name } → { $target }
doctor-srv-old-host = { $name } が旧サーバ { $hosts } を指しています: { $listed }
    .meaning = この SRV を使うメールソフト（RFC 6186、Outlook の autodiscover）は新しいアカウントを旧サーバに設定してしまいます。
    .fix = SRV レコードを新サーバに向けるか、削除してください。
doctor-srv-unknown-host = { $name } がプロファイルにないサーバを指しています: { $listed }
    .meaning = この SRV を使うメールソフトは、案内と違うサーバに接続します。
    .fix = SRV レコードの向き先を確かめ、新サーバに合わせてください。
doctor-srv-ok = { $name }: { $listed }
doctor-spf-missing = { $domain } に SPF レコードがありません
    .meaning = 受信側はこのドメインからのメールを正当と確かめられず、迷惑メール扱いにすることがあります。
    .fix = TXT レコード "v=spf1 include:spf.protection.outlook.com -all"（旧サーバから送る間はその IP も）を登録してください。
doctor-spf-multiple = SPF レコードが { $count } 個あります
    .meaning = SPF レコードが複数あると受信側は SPF を「permerror」とし、どちらも効きません（移行中に新しい SPF を追加したときによく起こります）。
    .fix = 1 つの TXT レコードにまとめてください（例: "v=spf1 ip4:<旧サーバ> include:spf.protection.outlook.com -all"）。
doctor-spf-no-exchange-online = SPF に include:{ $include } がありません: { $record }
    .meaning = Exchange Online から送ったメールが SPF 検査で不合格になり、相手に届かないか迷惑メールになります。
    .fix = SPF レコードに include:spf.protection.outlook.com を加えてください（レコードは 1 つのまま）。
doctor-spf-too-many-lookups = SPF の DNS 参照が { $count } 回あります（上限 10 回）
    .meaning = 受信側は SPF を「permerror」とし、送信ドメイン認証が働きません。
    .fix = include を減らすか、IP アドレス（ip4:/ip6:）で書き直してください。
doctor-spf-include-missing = SPF が参照する { $domains } に SPF レコードがありません
    .meaning = 受信側で SPF がエラーになります。
    .fix = 参照先の綴りを確かめ、不要な include を削除してください。
doctor-spf-ok = SPF（DNS 参照 { $count } 回）: { $record }
doctor-dmarc-missing = { $name } に DMARC レコードがありません
    .meaning = なりすましメールへの方針が示されず、大手の受信側では迷惑メール扱いされやすくなります。
    .fix = まず "v=DMARC1; p=none; rua=mailto:<報告先>" を登録し、様子を見て p=quarantine にしてください。
doctor-dmarc-multiple = DMARC レコードが { $count } 個あります
    .meaning = 複数あると受信側は DMARC を無視します。
    .fix = 1 つにまとめてください。
doctor-dmarc-ok = DMARC: { $record }
doctor-dkim-missing = DKIM の CNAME がありません: { $names }
    .meaning = Exchange Online はこのドメインの名前で DKIM 署名できず、DMARC の検査に通りにくくなります。
    .fix = Microsoft Defender ポータルの DKIM 設定に表示される selector1/selector2 の CNAME を登録し、署名を有効にしてください。
doctor-dkim-ok = DKIM: { $records }
doctor-autoconfig-old-server = { $what } が旧サーバ { $hosts } を案内しています
    .meaning = この情報で新しいアカウントを自動設定すると、旧サーバに接続してしまいます。
    .fix = 配布している設定ファイルを新サーバの値に更新してください（`ikou settings --format autoconfig` で作れます）。
doctor-autodiscover-old-server = { $what } が旧サーバ { $hosts } を案内しています
    .meaning = この情報で新しいアカウントを自動設定すると、旧サーバに接続してしまいます。
    .fix = 配布している設定ファイルを新サーバの値に更新してください（`ikou settings --format autoconfig` で作れます）。
doctor-autoconfig-invalid = 応答を読めません（{ $detail }）
    .meaning = メールソフトはこの応答を無視し、自動設定に失敗します。
    .fix = サーバが返している内容を確かめ、正しい形式に直してください。
doctor-autodiscover-invalid = 応答を読めません（{ $detail }）
    .meaning = メールソフトはこの応答を無視し、自動設定に失敗します。
    .fix = サーバが返している内容を確かめ、正しい形式に直してください。
doctor-autoconfig-plaintext = autoconfig が暗号化なしの接続を案内しています: { $servers }
    .meaning = パスワードが暗号化されずに送られます。
    .fix = socketType を SSL か STARTTLS にしてください。
doctor-autoconfig-no-oauth2 = autoconfig に OAuth2 の認証方式がありません
    .meaning = Exchange Online は基本認証を受け付けないため、パスワードでのログインに失敗します。
    .fix = <authentication>OAuth2</authentication> を加えてください。
doctor-autoconfig-ok = autoconfig: { $servers }
doctor-autoconfig-missing = Thunderbird 用の autoconfig は公開されていません: { $list }
    .meaning = { $exchange_online ->
        [yes] Thunderbird は Exchange Online を自前のデータベースと autodiscover で見つけます。
       *[no] Thunderbird はサーバを推測するしかなく、旧サーバや間違った設定になることがあります。
    }
    .fix = `ikou settings --format autoconfig` の出力を https://autoconfig.<ドメイン>/mail/config-v1.1.xml に置いてください。
doctor-autodiscover-error = autodiscover がエラーを返しました: { $error }
    .meaning = Outlook はこの応答から設定を得られません。
    .fix = autodiscover サーバの設定を確かめてください。
doctor-autodiscover-unreachable = autodiscover に届きません（{ doctor-reason }）
    .meaning = Outlook やスマートフォンは自動設定に失敗し、手で設定する必要があります。
    .fix = autodiscover の CNAME（Exchange Online なら autodiscover.outlook.com）とファイアウォールを確かめてください。
doctor-autodiscover-ok = { $what }: { $servers }
doctor-autodiscover-auth-required = autodiscover は応答しています（HTTP { $code }: サインインが必要）
doctor-tls-unreachable = { doctor-role } { $server } に接続できません（{ doctor-reason }）
    .meaning = メールソフトもこのサーバに接続できません。
    .fix = ホスト名とポート番号を確かめてください。学外からは VPN が必要な場合や、ファイアウォールで止められている場合があります。
doctor-tls-no-starttls = { doctor-role } { $server } は STARTTLS を提供していません
    .meaning = パスワードが暗号化されずに送られるか、接続できません。
    .fix = ポートと暗号化方式（SSL/TLS か STARTTLS）を確かめてください。
doctor-tls-expired = { doctor-role } { $server } の証明書の有効期限が切れています（{ $until }）
    .meaning = メールソフトは警告を出すか接続を拒否します。
    .fix = サーバ管理者に証明書の更新を依頼してください。警告を無視して接続しないでください。
doctor-tls-not-yet-valid = { doctor-role } { $server } の証明書はまだ有効期間前です
    .meaning = メールソフトは接続を拒否します。
    .fix = サーバとこのコンピュータの時計を確かめてください。
doctor-tls-wrong-host = { doctor-role } { $server } の証明書は { $host } 用ではありません（証明書の名前: { $names }）
    .meaning = メールソフトは「なりすましの可能性」と警告します。設定したホスト名が違う可能性があります。
    .fix = 証明書に書かれた名前でサーバを設定するか、サーバ管理者に正しい証明書を依頼してください。
doctor-tls-untrusted = { doctor-role } { $server } の証明書を信頼できません（{ $detail }）
    .meaning = 自己署名や学内 CA の証明書です。メールソフトは警告を出します。
    .fix = IT センターの CA 証明書を --ca-file（プロファイルでは ca_file）で指定するか、公的な証明書への切り替えを依頼してください。
doctor-tls-expiring = { doctor-role } { $server } の証明書はあと { $days } 日で期限切れです（{ $until }）
    .meaning = 期限が切れるとメールソフトが接続できなくなります。
    .fix = サーバ管理者に早めの更新を依頼してください。
doctor-tls-ok = { doctor-role } { $server }: 証明書は有効です（期限 { $until }）
doctor-login-ok = { doctor-role }にログインできました（{ $service } { $user }）
doctor-login-rejected = { doctor-role }がログインを拒否しました（{ $detail }）
    .meaning = ユーザ名・パスワード（またはトークン）が違うか、このプロトコルが無効です。
    .fix = ユーザ名の形式（アドレス全体か @ より前か）とパスワードを確かめてください。Exchange Online では OAuth2 が必要で、IMAP/POP がメールボックスで有効になっている必要があります。
doctor-login-failed = { doctor-role }へのログインを試せませんでした（{ $detail }）
    .meaning = 接続か証明書の問題で、ログインまで進めませんでした。
    .fix = 上の TLS の項目を先に直してください。
doctor-client-not-found = Thunderbird のプロファイルが見つからないため、メールソフトの確認は省きました
doctor-client-unreadable = Thunderbird の設定を読めません（{ $detail }）
    .meaning = メールソフトの設定は確認できていません。
    .fix = --thunderbird-profile でプロファイルのフォルダか prefs.js を指定してください。
doctor-tb-sends-via-old = アカウント { $account } の { $email } は旧サーバ { $server } から送信します
    .meaning = 移行作業の後に送ったメールは旧サーバから送られ、送信済みメールが新サーバに移行されません。
    .fix = 「アカウント設定」→「送信 (SMTP) サーバー」で、このアカウントの送信サーバを新サーバに変えてください。
doctor-tb-sent-on-old = アカウント { $account } は送信済みメールを旧サーバ（{ $folder }）に保存します
    .meaning = 移行作業の後の送信済みメールは新サーバに移行されません。
    .fix = 「送信控えと特別なフォルダー」で保存先を新アカウントの送信済みトレイにしてください。
doctor-tb-pop-leave-on-server = POP アカウント { $account } は「メールをサーバに残す」が有効です
    .meaning = センターが移行したメールをもう一度受信し、同じメールが 2 通になります。
    .fix = 移行前に「サーバに残す」を外すか、受信トレイのメールを別フォルダへ移してください。
doctor-tb-new-no-oauth2 = 新サーバのアカウント { $account } の認証方式が OAuth2 ではありません
    .meaning = Exchange Online はパスワードだけの認証を受け付けず、受信できません。
    .fix = 「サーバー設定」の認証方式を OAuth2 にしてください。
doctor-tb-same-name = 旧アカウントと新アカウントが同じ名前「{ $name }」です
    .meaning = どちらが旧サーバか見分けられず、旧サーバで返信・整理してしまいがちです。
    .fix = 旧アカウントの「アカウント名」を「旧 …」に変えてください。
doctor-tb-no-new-account = Thunderbird に新サーバのアカウントがありません
    .meaning = 移行後の新着メールを受け取れません。
    .fix = `ikou settings --client thunderbird` の値で新しいアカウントを追加してください。
doctor-tb-ok = Thunderbird: { $count } 個のアカウントに問題はありません
