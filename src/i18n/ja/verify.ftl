### verify — Japanese. Ids start with "verify-"; the same ids live in ../en/verify.ftl.

verify-map-not-on-new = 新サーバにありません (復元で作成します)
verify-folder-missing = { $count ->
    [0] 新サーバにないフォルダです (空)
   *[other] 新サーバにないフォルダです。中の { $count } 通は「ありません」として一覧にあります
}
verify-verdict-folder-missing = フォルダ「{ $folder }」が新サーバにありません ({ $count } 通)
verify-folder-not-on-new-cell = (新サーバになし)

## 件名の文字化け: メールソフトでの見え方と、必要な修復。
verify-garble-on-new = 新サーバで件名が文字化け: { $defect }
verify-garble-text-changed = 新サーバで件名の文字が変わっています
verify-garble-broken-on-old = 旧サーバで既に件名が壊れています (移行の問題ではありません): { $defect }
verify-defect-undecoded-encoded-word = エンコード (=?…?=) が解読されずに残っています
verify-defect-replacement-char = 解読できない文字 (�) があります
verify-defect-iso2022jp-escape = ISO-2022-JP の制御文字が見えています
verify-defect-c1-control = 制御文字が混じっています (日本語を欧文として解読)
verify-defect-utf8-as-latin1 = UTF-8 を欧文 (Latin-1) として解読しています
verify-defect-shift-jis-as-latin1 = Shift_JIS を欧文 (Latin-1) として解読しています
verify-defect-fold-inside-encoded-word = エンコード (=?…?=) の途中で改行されています。メールソフトではそのままの記号列で表示されます
verify-defect-missing-encoded-word-end = エンコードの終わり「?=」が欠けています。メールソフトではそのままの記号列で表示されます
verify-defect-invalid-encoded-text = エンコード (=?…?=) の中身が壊れています。メールソフトではそのままの記号列で表示されます
verify-defect-missing-charset = エンコードに文字コードの指定がありません。メールソフトではそのままの記号列で表示されます
verify-defect-unknown-charset = エンコードの文字コードが不明です。メールソフトでは文字化けすることがあります
verify-defect-wrong-charset = エンコードの文字コードの指定が誤っています。メールソフトでは文字化けします
verify-defect-raw-8bit = エンコードされずに書かれています (8 ビットまたは JIS のまま)。メールソフトでは文字化けすることがあります
verify-defect-double-encoded = 二重にエンコードされています。メールソフトでは「=?…?=」の記号列が表示されます
