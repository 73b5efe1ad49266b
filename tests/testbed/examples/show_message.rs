//! Prints one message of the standard corpus: `show_message <seed> <folder> <index> [max bytes]`.
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let seed = a.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let folder = a.get(2).map_or("INBOX", String::as_str);
    let idx: usize = a.get(3).and_then(|s| s.parse().ok()).unwrap_or(0);
    let max: usize = a.get(4).and_then(|s| s.parse().ok()).unwrap_or(3000);
    let c = ikou_testbed::Corpus::standard(seed);
    let Some(m) = c.folder(folder).and_then(|f| f.messages.get(idx)) else {
        eprintln!("no message {folder}[{idx}]");
        std::process::exit(1);
    };
    eprintln!(
        "flags {:?} internal_date {} size {} subject {:?}",
        m.flags,
        m.internal_date,
        m.size(),
        m.subject()
    );
    let end = m.raw.len().min(max);
    print!("{}", String::from_utf8_lossy(&m.raw[..end]));
}
