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
doctor-summary = 結果: OK { $ok } 件、警告 { $warnings } 件、エラー { $errors } 件
