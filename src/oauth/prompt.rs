//! # What the person is told during the device code sign-in
//!
//! The code and the page to type it into are the only things the person needs; they go to
//! stderr so that `--json` output on stdout stays data only. A TUI implements
//! [`DevicePrompt`] to show the same in a dialog.

use std::time::Duration;

use crate::i18n::Lang;

/// The user code and where to enter it. The user code is not a secret: it is useless
/// without the person signing in, and expires in minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
    pub expires_in: Duration,
}

pub trait DevicePrompt: Send + Sync {
    /// Show the code; the flow then polls until the person is done.
    fn show(&self, prompt: &DeviceCodePrompt);
    /// The person has signed in.
    fn done(&self) {}
}

/// Prints to stderr in the chosen language.
pub struct TerminalPrompt {
    pub lang: Lang,
}

impl DevicePrompt for TerminalPrompt {
    fn show(&self, prompt: &DeviceCodePrompt) {
        eprintln!("{}", instructions(prompt, self.lang));
    }
    fn done(&self) {
        eprintln!("{}", tr!(self.lang, "login-signed-in"));
    }
}

/// The text shown to the person.
pub fn instructions(prompt: &DeviceCodePrompt, lang: Lang) -> String {
    let minutes = prompt.expires_in.as_secs().div_ceil(60);
    tr!(
        lang,
        "signin-device-code-instructions",
        uri = prompt.verification_uri.as_str(),
        code = prompt.user_code.as_str(),
        minutes = minutes
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_carry_code_and_url() {
        let p = DeviceCodePrompt {
            user_code: "BCDF-GHJK".into(),
            verification_uri: "https://microsoft.com/devicelogin".into(),
            expires_in: Duration::from_secs(900),
        };
        for lang in [Lang::Ja, Lang::En] {
            let text = instructions(&p, lang);
            assert!(text.contains("BCDF-GHJK") && text.contains("microsoft.com/devicelogin"));
            assert!(text.contains("15"));
        }
        assert_eq!(
            instructions(&p, Lang::Ja),
            "Microsoft 365 へのサインイン:\n  1. ブラウザー（スマートフォンでも可）で https://microsoft.com/devicelogin を開いてください\n  2. コード BCDF-GHJK を入力し、大学のアカウントでサインインしてください\n  （このコードは 15 分間有効です。完了するまでここで待ちます）"
        );
        assert_eq!(
            instructions(&p, Lang::En),
            "Sign in to Microsoft 365:\n  1. Open https://microsoft.com/devicelogin in a browser (a phone will do)\n  2. Enter the code BCDF-GHJK and sign in with your university account\n  (the code is valid for 15 minutes; ikou waits here until you are done)"
        );
    }
}
