### verify — English. Ids start with "verify-"; the same ids live in ../ja/verify.ftl.

verify-map-not-on-new = not on the new server (restore creates it)
verify-folder-missing = { $count ->
    [0] folder not on the new server (empty)
    [one] folder not on the new server; its { $count } message is listed as missing
   *[other] folder not on the new server; its { $count } messages are listed as missing
}
verify-verdict-folder-missing = { $count ->
    [one] folder { $folder } not on the new server ({ $count } message)
   *[other] folder { $folder } not on the new server ({ $count } messages)
}
verify-folder-not-on-new-cell = (not on new)

## Garbled subjects: what a mail program shows, and which repair it would need.
verify-garble-on-new = subject garbled on new: { $defect }
verify-garble-text-changed = subject text changed on new
verify-garble-broken-on-old = subject already broken on old (not a migration problem): { $defect }
verify-defect-undecoded-encoded-word = encoded-word (=?…?=) left undecoded
verify-defect-replacement-char = contains undecodable characters (�)
verify-defect-iso2022jp-escape = ISO-2022-JP escape sequences visible
verify-defect-c1-control = control characters (Japanese decoded as Latin-1)
verify-defect-utf8-as-latin1 = UTF-8 decoded as Latin-1
verify-defect-shift-jis-as-latin1 = Shift_JIS decoded as Latin-1
verify-defect-fold-inside-encoded-word = a line fold inside the encoded text (=?…?=); mail programs show the raw text
verify-defect-missing-encoded-word-end = the encoded text lacks its closing "?="; mail programs show the raw text
verify-defect-invalid-encoded-text = the encoded text (=?…?=) is broken; mail programs show the raw text
verify-defect-missing-charset = the encoded text names no character set; mail programs show the raw text
verify-defect-unknown-charset = the encoded text names an unknown character set; mail programs may show it garbled
verify-defect-wrong-charset = the encoded text names the wrong character set; mail programs show it garbled
verify-defect-raw-8bit = written without encoding (raw 8-bit or JIS); mail programs may show it garbled
verify-defect-double-encoded = encoded twice; mail programs show "=?…?=" text
