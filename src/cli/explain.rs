//! # `ikou explain CODE`: a state code read out on the phone, back into sentences

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use super::common::Output;
use crate::helpdesk::StateCode;
use crate::report::exit;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The code as the user read it, e.g. V2-6-0-4-2-0-1-37 (spaces and full-width characters are fine).
    #[arg(required = true, num_args = 1..)]
    pub code: Vec<String>,
}

#[derive(Serialize)]
struct Explained {
    code: String,
    state: StateCode,
    lines: Vec<String>,
}

pub fn run(args: &ExplainArgs, output: Output) -> Result<i32> {
    let typed = args.code.join(" ");
    match StateCode::parse(&typed) {
        Ok(state) => {
            let code = state.to_string();
            let lines = state.explain(output.lang);
            let explained = Explained { code, state, lines };
            output.emit(&explained, || {
                let mut text = tr!(
                    output.lang,
                    "helpdesk-explain-title",
                    code = explained.code.as_str()
                );
                text.push('\n');
                for line in &explained.lines {
                    text.push_str("  ");
                    text.push_str(line);
                    text.push('\n');
                }
                text
            })?;
            Ok(exit::OK)
        }
        Err(error) => {
            if output.json {
                super::common::write_stdout(
                    &(serde_json::to_string_pretty(&serde_json::json!({
                        "error": error.to_string(),
                        "error_text": error.localized(output.lang),
                    }))? + "\n"),
                )?;
            }
            eprintln!("ikou: {}", error.localized(output.lang));
            Ok(exit::ERROR)
        }
    }
}
