//! Build facts for `ikou --version` and the IT centre's embedded profile.
//!
//! - `IKOU_COMMIT`: the commit, from `git` when the source is a checkout; a source tarball
//!   without `.git` can pass it in the environment, else it reads `unknown`.
//! - `IKOU_BUILD_DATE`: the UTC date of the build, or of `SOURCE_DATE_EPOCH` when set
//!   (reproducible builds).
//! - `IKOU_EMBED_PROFILE=/path/to/profile.toml`: the organisation profile compiled into the
//!   binary (a university's own package). It is checked like any profile when ikou starts;
//!   `scripts/package` checks it before building too.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    for var in ["IKOU_COMMIT", "SOURCE_DATE_EPOCH", "IKOU_EMBED_PROFILE"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rustc-env=IKOU_COMMIT={}", commit());
    println!("cargo:rustc-env=IKOU_BUILD_DATE={}", build_date());
    embed_profile();
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

fn commit() -> String {
    if let Ok(commit) = std::env::var("IKOU_COMMIT")
        && !commit.trim().is_empty()
    {
        return commit.trim().to_string();
    }
    // Only a checkout of ikou itself counts, not a parent directory's repository.
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let top = git(&[
        "-C",
        &manifest.display().to_string(),
        "rev-parse",
        "--show-toplevel",
    ]);
    let same = |a: &Path, b: &Path| a.canonicalize().ok() == b.canonicalize().ok();
    if !top
        .as_deref()
        .is_some_and(|top| same(Path::new(top), &manifest))
    {
        return "unknown".into();
    }
    // A new commit or a branch switch reruns this script.
    for path in ["HEAD", "packed-refs"] {
        if let Some(file) = git(&["rev-parse", "--git-path", path]) {
            println!("cargo:rerun-if-changed={file}");
        }
    }
    if let Some(head_ref) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(file) = git(&["rev-parse", "--git-path", &head_ref])
    {
        println!("cargo:rerun-if-changed={file}");
    }
    git(&["rev-parse", "--short=10", "HEAD"]).unwrap_or_else(|| "unknown".into())
}

fn build_date() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
        });
    let (y, m, d) = civil_from_days(seconds.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Writes `embedded_profile.rs` into OUT_DIR: the profile's text and file name, or `None`.
fn embed_profile() {
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let code = match std::env::var("IKOU_EMBED_PROFILE") {
        Ok(path) if !path.trim().is_empty() => {
            let path = PathBuf::from(path.trim());
            println!("cargo:rerun-if-changed={}", path.display());
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!("IKOU_EMBED_PROFILE={}: cannot read: {e}", path.display())
            });
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "profile.toml".into());
            format!("Some(({name:?}, {text:?}))")
        }
        _ => "None".to_string(),
    };
    std::fs::write(
        out.join("embedded_profile.rs"),
        format!("/// The IT centre's profile built into this binary (file name, text).\npub const EMBEDDED: Option<(&str, &str)> = {code};\n"),
    )
    .expect("write embedded_profile.rs");
}
