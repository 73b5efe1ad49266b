//! # `ikou profile check`

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use super::Output;
use crate::profile::{Problem, Profile, ProfileError};
use crate::report::exit;

#[derive(Debug, Serialize)]
struct CheckResult {
    file: String,
    ok: bool,
    problems: Vec<Problem>,
}

pub fn check(file: &Path, output: Output) -> Result<i32> {
    let result = match Profile::load(file) {
        Ok(_) => CheckResult {
            file: file.display().to_string(),
            ok: true,
            problems: Vec::new(),
        },
        Err(error @ ProfileError::Unreadable { .. }) => {
            anyhow::bail!("{}", error.text(output.lang))
        }
        Err(ProfileError::Invalid { file, problems }) => CheckResult {
            file,
            ok: false,
            problems,
        },
    };
    output.emit(&result, || {
        if result.ok {
            format!("{}: OK\n", result.file)
        } else {
            let mut text = String::new();
            for problem in &result.problems {
                text.push_str(&format!(
                    "{}: {}: {}\n    {}\n",
                    result.file,
                    problem.key_in(output.lang),
                    problem.problem_in(output.lang),
                    tr!(
                        output.lang,
                        "profile-check-fix",
                        fix = problem.fix_in(output.lang)
                    )
                ));
            }
            text
        }
    })?;
    Ok(if result.ok { exit::OK } else { exit::ERROR })
}
